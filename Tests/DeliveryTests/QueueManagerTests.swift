// QueueManager end to end against the test server with a temp-dir spool and the in-memory audit
// store: states, audit events, the DSN to the sender, double bounces, NOTIFY=NEVER and expiry.

import Audit
import Foundation
import MailCore
import MIME
import NIOCore
import NIOPosix
import Queue
import XCTest
@testable import Delivery

final class QueueManagerTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: TestSMTPServer!
    var spool: Spool!
    var dir = ""
    var audit: MemoryAuditStore!

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        server = TestSMTPServer()
        try server.start(group: group)
        (spool, dir) = try Fixtures.tempSpool()
        audit = MemoryAuditStore(node: "test")
    }

    override func tearDown() {
        server.stop()
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func startManager(retry: RetrySchedule = RetrySchedule()) throws -> (QueueManager, Task<Void, Never>) {
        let manager = try QueueManager(spool: spool, audit: audit, settings: Fixtures.settings(port: server.port, retry: retry),
                                   group: group, logger: Fixtures.logger)
        let task = Task { await manager.run() }
        return (manager, task)
    }

    func events(_ id: QueueID) throws -> [AuditEvent] { try audit.records(queueID: id).map(\.event) }

    func testDeliveredDeferredBouncedWithStatesAuditAndDSN() throws {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [
            RecipientSpec(address: Fixtures.addr("ok@example.net")),
            RecipientSpec(address: Fixtures.addr("defer@example.net")),
            RecipientSpec(address: Fixtures.addr("bounce@example.net"), originalRecipient: "rfc822;bounce@example.net"),
        ])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }

        XCTAssertTrue(try Fixtures.eventually { try spool.states(env.queueID).allSatisfy { $0.attempts == 1 } })
        let states = try spool.states(env.queueID)
        XCTAssertEqual(states.map(\.status), [.delivered, .deferred, .bounced])
        XCTAssertEqual(states[0].lastReply, "250 2.0.0 Ok: queued as TESTID")
        XCTAssertEqual(states[1].lastStatus, EnhancedStatus(4, 2, 0))
        XCTAssertNotNil(states[1].nextAttempt)
        XCTAssertGreaterThan(states[1].nextAttempt ?? .distantPast, Date().addingTimeInterval(30))
        XCTAssertEqual(states[2].lastStatus, EnhancedStatus(5, 1, 1))

        XCTAssertTrue(try Fixtures.eventually { try events(env.queueID).count == 3 })
        let evs = try events(env.queueID)
        XCTAssertEqual(evs.map(\.name).sorted(), ["bounced", "deferred", "delivered"])
        for e in evs {
            XCTAssertEqual(e.attempt?.relayIP, "127.0.0.1")
            XCTAssertEqual(e.attempt?.relayPort, server.port)
            XCTAssertEqual(e.attempt?.attempt, 1)
        }
        XCTAssertEqual(evs.first { $0.name == "bounced" }?.attempt?.status, EnhancedStatus(5, 1, 1))
        XCTAssertEqual(evs.first { $0.name == "delivered" }?.recipient, Fixtures.addr("ok@example.net"))

        // The DSN went from <> to alice through the same runner; it carries no Subject or body.
        XCTAssertTrue(Fixtures.eventually { server.transactions.contains { $0.mailFrom.hasPrefix("MAIL FROM:<>") } })
        guard let dsn = server.transactions.first(where: { $0.mailFrom.hasPrefix("MAIL FROM:<>") }) else { return }
        XCTAssertEqual(dsn.rcpts.first?.hasPrefix("RCPT TO:<alice@example.org>"), true)
        XCTAssertTrue(dsn.data.contains("Content-Type: message/delivery-status"))
        XCTAssertTrue(dsn.data.contains("Final-Recipient: rfc822; bounce@example.net"))
        XCTAssertTrue(dsn.data.contains("Original-Recipient: rfc822;bounce@example.net"))
        XCTAssertTrue(dsn.data.contains("Action: failed"))
        XCTAssertTrue(dsn.data.contains("Status: 5.1.1"))
        XCTAssertTrue(dsn.data.contains("Message-ID: <t1@example.org>"))
        XCTAssertFalse(dsn.data.contains("ok@example.net>: failed"))
        XCTAssertFalse(dsn.data.contains("patient"))
        XCTAssertFalse(dsn.data.contains("Body line"))
        // The original stays queued (one recipient deferred); the delivered DSN is removed.
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs() == [env.queueID] })
    }

    func testAllFinalMessageIsRemoved() throws {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        XCTAssertEqual(try events(env.queueID).map(\.name), ["delivered"])
        XCTAssertEqual(server.transactions.count, 1)
    }

    func testNullSenderIsNeverBounced() throws {
        let env = Fixtures.envelope(sender: nil, recipients: [RecipientSpec(address: Fixtures.addr("bounce@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        XCTAssertEqual(try events(env.queueID).map(\.name), ["bounced"])
        // Give a would-be notice time to appear: nothing may be queued or sent.
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(try spool.queueIDs(), [])
        XCTAssertTrue(server.transactions.isEmpty)
    }

    func testNotifyNeverSuppressesDSN() throws {
        let env = Fixtures.envelope(sender: "alice@example.org",
                                    recipients: [RecipientSpec(address: Fixtures.addr("bounce@example.net"), notify: [.never])])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(try spool.queueIDs(), [])
        XCTAssertTrue(server.transactions.isEmpty)
    }

    func testExpiredDeferralBouncesAndRetriesFollowSchedule() throws {
        // Arrived long ago: a 4xx now means the lifetime is over, so it bounces with a DSN.
        let old = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("defer@example.net"))],
                                    arrival: Date().addingTimeInterval(-6 * 86400))
        try spool.commit(envelope: old, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try events(old.queueID).map(\.name) == ["bounced"] })
        let bounce = try events(old.queueID).first?.attempt
        XCTAssertEqual(bounce?.status, EnhancedStatus(4, 2, 0))
        XCTAssertTrue(Fixtures.eventually { server.transactions.contains { $0.data.contains("Action: failed") } })
    }

    func testShortRetryScheduleRetriesAndHoldStopsIt() throws {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("defer@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (manager, task) = try startManager(retry: RetrySchedule(steps: [0.2], thereafter: 0.2, maxLifetime: 3600))
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.states(env.queueID)[0].attempts >= 3 })
        try manager.hold(env.queueID)
        Thread.sleep(forTimeInterval: 0.3)
        let attemptsWhenHeld = try spool.states(env.queueID)[0].attempts
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(try spool.states(env.queueID)[0].status, .held)
        XCTAssertEqual(try spool.states(env.queueID)[0].attempts, attemptsWhenHeld)
        try manager.release(env.queueID)
        XCTAssertTrue(try Fixtures.eventually { try spool.states(env.queueID)[0].attempts > attemptsWhenHeld })
        try manager.delete(env.queueID)
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
    }
}
