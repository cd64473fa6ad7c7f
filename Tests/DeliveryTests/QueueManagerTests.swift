// QueueManager end to end against the test server with a temp-dir spool, the in-memory audit store
// and a test clock: states, audit events, the DSN, double bounces, NOTIFY=NEVER, retries and expiry.

import Audit
import Foundation
import MailCore
import MIME
import NIOCore
import NIOPosix
import Queue
import TestSupport
import XCTest
@testable import Delivery

final class QueueManagerTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var pool: NIOThreadPool!
    /// Starts at a fixed time; retries happen only when a test advances it.
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    var server: TestSMTPServer!
    var spool: Spool!
    var dir = ""
    var audit: MemoryAuditStore!

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        server = TestSMTPServer()
        try server.start(group: group)
        (spool, dir) = try Fixtures.tempSpool()
        audit = MemoryAuditStore(node: "test", clock: clock)
    }

    override func tearDown() {
        server.stop()
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func startManager(retry: RetrySchedule = RetrySchedule()) throws -> (QueueManager, Task<Void, Never>) {
        let manager = try QueueManager(spool: spool, audit: audit, settings: Fixtures.settings(port: server.port, retry: retry),
                                   group: group, pool: pool, clock: clock, logger: Fixtures.logger)
        let task = Task { await manager.run() }
        return (manager, task)
    }

    func events(_ id: QueueID) throws -> [AuditEvent] { try audit.records(queueID: id).map(\.event) }

    func envelope(sender: String?, _ recipients: [RecipientSpec]) -> Envelope {
        Fixtures.envelope(sender: sender, recipients: recipients, arrival: clock.now())
    }

    func attempts(_ id: QueueID) throws -> Int { try spool.states(id)[0].attempts }

    /// True once the runner sleeps on the test clock until exactly `deadline` (and nothing else).
    func runnerSleeps(until deadline: Date) -> Bool {
        Fixtures.eventually { clock.sleeperDeadlines == [deadline] }
    }

    func testDeliveredDeferredBouncedWithStatesAuditAndDSN() throws {
        let env = envelope(sender: "alice@example.org", [
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
        XCTAssertEqual(states[1].lastAttempt, clock.now())
        XCTAssertEqual(states[1].nextAttempt, clock.now().addingTimeInterval(60), "the first step of the default schedule")
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

    func testOneAuditRecordThatCannotBeKeptDoesNotDropTheOthersOfTheAttempt() throws {
        let env = envelope(sender: "alice@example.org", [
            RecipientSpec(address: Fixtures.addr("ok@example.net")),
            RecipientSpec(address: Fixtures.addr("defer@example.net")),
        ])
        try spool.commit(envelope: env, message: Fixtures.message)
        let refusing = RefusesFirstRecord(audit)
        let manager = try QueueManager(spool: spool, audit: refusing, settings: Fixtures.settings(port: server.port),
                                       group: group, pool: pool, clock: clock, logger: Fixtures.logger)
        let task = Task { await manager.run() }
        defer { task.cancel() }

        XCTAssertTrue(try Fixtures.eventually { try events(env.queueID).count == 1 }, "the second event was dropped")
        XCTAssertEqual(refusing.calls, 2, "every event of the attempt was offered to the recorder")
        XCTAssertEqual(try events(env.queueID).map(\.name), ["deferred"], "only the refused one is missing")
    }

    func testAllFinalMessageIsRemoved() throws {
        let env = envelope(sender: "alice@example.org", [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        XCTAssertEqual(try events(env.queueID).map(\.name), ["delivered"])
        XCTAssertEqual(server.transactions.count, 1)
    }

    func testNullSenderIsNeverBounced() throws {
        let env = envelope(sender: nil, [RecipientSpec(address: Fixtures.addr("bounce@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        XCTAssertEqual(try events(env.queueID).map(\.name), ["bounced"])
        // A notice would be committed before the original is removed, and recorded by the server
        // before it could leave the queue: with the queue empty, none was made.
        XCTAssertEqual(try spool.queueIDs(), [])
        XCTAssertTrue(server.transactions.isEmpty)
    }

    func testNotifyNeverSuppressesDSN() throws {
        let env = envelope(sender: "alice@example.org", [RecipientSpec(address: Fixtures.addr("bounce@example.net"), notify: [.never])])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
        // As above: an empty queue means no notice was committed, or it was sent (and recorded).
        XCTAssertEqual(try spool.queueIDs(), [])
        XCTAssertTrue(server.transactions.isEmpty)
    }

    func testExpiredDeferralBouncesWithADSN() throws {
        // Arrived long ago: a 4xx now means the lifetime is over, so it bounces with a DSN.
        let old = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("defer@example.net"))],
                                    arrival: clock.now().addingTimeInterval(-6 * 86400))
        try spool.commit(envelope: old, message: Fixtures.message)
        let (_, task) = try startManager()
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try events(old.queueID).map(\.name) == ["bounced"] })
        let bounce = try events(old.queueID).first?.attempt
        XCTAssertEqual(bounce?.status, EnhancedStatus(4, 2, 0))
        XCTAssertTrue(Fixtures.eventually { server.transactions.contains { $0.data.contains("Action: failed") } })
    }

    func testDeferredRecipientIsRetriedExactlyWhenTheClockPassesTheDelay() throws {
        let start = clock.now()
        let env = envelope(sender: "alice@example.org", [RecipientSpec(address: Fixtures.addr("defer@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager(retry: RetrySchedule(steps: [600, 1800], thereafter: 3600, maxLifetime: 86400))
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 1 })
        XCTAssertEqual(try spool.states(env.queueID)[0].nextAttempt, start.addingTimeInterval(600))
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(600)))

        clock.advance(by: 599)
        XCTAssertEqual(clock.sleeperDeadlines, [start.addingTimeInterval(600)], "the runner was woken before the retry time")
        XCTAssertTrue(try Fixtures.holds { try attempts(env.queueID) == 1 }, "retried before the retry time")

        clock.advance(by: 1)
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 2 })
        let second = try spool.states(env.queueID)[0]
        XCTAssertEqual(second.lastAttempt, start.addingTimeInterval(600))
        XCTAssertEqual(second.nextAttempt, start.addingTimeInterval(600 + 1800), "the schedule's second step")
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(2400)))
        XCTAssertEqual(server.transactions.count, 0)
    }

    func testDeferralPastTheLifetimeOnTheClockBounces() throws {
        let start = clock.now()
        let env = envelope(sender: "alice@example.org", [RecipientSpec(address: Fixtures.addr("defer@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (_, task) = try startManager(retry: RetrySchedule(steps: [600], thereafter: 600, maxLifetime: 1000))
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 1 })
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(600)))
        clock.advance(by: 600)   // 600 s queued: deferred again
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 2 })
        XCTAssertEqual(try spool.states(env.queueID)[0].status, .deferred)
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(1200)))
        clock.advance(by: 600)   // 1200 s queued, past the 1000 s lifetime: this deferral bounces
        XCTAssertTrue(try Fixtures.eventually { try events(env.queueID).map(\.name) == ["deferred", "deferred", "bounced"] })
        XCTAssertTrue(Fixtures.eventually { server.transactions.contains { $0.data.contains("Action: failed") } })
    }

    func testHoldStopsRetriesAndReleaseResumesThem() throws {
        let start = clock.now()
        let env = envelope(sender: "alice@example.org", [RecipientSpec(address: Fixtures.addr("defer@example.net"))])
        try spool.commit(envelope: env, message: Fixtures.message)
        let (manager, task) = try startManager(retry: RetrySchedule(steps: [600], thereafter: 3600, maxLifetime: 86400))
        defer { task.cancel() }
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 1 })
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(600)))
        XCTAssertEqual(try manager.hold(env.queueID), 1)

        // The retry time passes while held: the runner scans, finds nothing due and sleeps an hour.
        clock.advance(by: 600)
        XCTAssertTrue(runnerSleeps(until: start.addingTimeInterval(600 + 3600)))
        XCTAssertEqual(try spool.states(env.queueID)[0].status, .held)
        XCTAssertEqual(try attempts(env.queueID), 1)

        XCTAssertEqual(try manager.release(env.queueID), 1)
        XCTAssertTrue(try Fixtures.eventually { try attempts(env.queueID) == 2 })
        XCTAssertEqual(try spool.states(env.queueID)[0].lastAttempt, start.addingTimeInterval(600))
        try manager.delete(env.queueID)
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
    }
}

/// Throws `notRecorded` for the first event it is given, records the rest in `store`.
final class RefusesFirstRecord: AuditRecorder, @unchecked Sendable {
    private let store: MemoryAuditStore
    private let lock = NSLock()
    private var _calls = 0
    init(_ store: MemoryAuditStore) { self.store = store }
    var calls: Int { lock.withLock { _calls } }
    func record(_ event: AuditEvent) throws {
        let n = lock.withLock { _calls += 1; return _calls }
        if n == 1 { throw AuditError.notRecorded(store: "disk full", outbox: "disk full") }
        try store.record(event)
    }
}
