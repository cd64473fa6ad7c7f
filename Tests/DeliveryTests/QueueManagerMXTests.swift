// QueueManager with MX routing end to end: per-domain outcomes merged into the spool states, the
// audit records (MX host, IP, port, plan notes), the null-MX bounce notice, and the smarthost path intact.

import Audit
import DNS
import Foundation
import MailCore
import NIOPosix
import Queue
import TLSPolicy
import XCTest
@testable import Delivery

final class QueueManagerMXTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var pool: NIOThreadPool!
    var server: TestSMTPServer!
    var spool: Spool!
    var dir = ""
    var audit: MemoryAuditStore!
    let resolver = StubResolver()

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        server = TestSMTPServer()
        try server.start(group: group)
        (spool, dir) = try Fixtures.tempSpool()
        audit = MemoryAuditStore(node: "test", clock: SystemClock())
    }

    override func tearDown() {
        server.stop()
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testNullMXBouncesOneDomainWhileTheOtherIsDelivered() throws {
        resolver.setMX("example.net", [(10, "mx.example.net")])
        resolver.setAddresses("mx.example.net", ["127.0.0.1"])
        resolver.setMX("nomail.example", [(0, "")])
        resolver.setAddresses("example.org", ["127.0.0.1"])   // the sender's domain, for the notice
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [
            RecipientSpec(address: Fixtures.addr("ok@example.net")), RecipientSpec(address: Fixtures.addr("who@nomail.example")),
        ])
        try spool.commit(envelope: env, message: Fixtures.message)
        let manager = try QueueManager(spool: spool, audit: audit, settings: MXDeliveryTests.mxSettings(port: server.port),
                                   group: group, pool: pool, clock: SystemClock(), logger: Fixtures.logger,
                                   routing: DeliveryRouting(resolver: resolver), methods: .none)
        let task = Task { await manager.run() }
        defer { task.cancel() }

        XCTAssertTrue(try Fixtures.eventually { try audit.records(queueID: env.queueID).count == 2 })
        let events = try audit.records(queueID: env.queueID).map(\.event)
        let delivered = events.first { $0.name == "delivered" }?.attempt
        XCTAssertEqual(delivered?.relayHost, "mx.example.net")
        XCTAssertEqual(delivered?.relayIP, "127.0.0.1")
        XCTAssertEqual(delivered?.relayPort, server.port)
        XCTAssertTrue(delivered?.reason?.contains("level may") ?? false, delivered?.reason ?? "no reason")
        let bounced = events.first { $0.name == "bounced" }?.attempt
        XCTAssertEqual(bounced?.status, EnhancedStatus(5, 1, 10))
        // The notice to alice goes out through MX delivery too (implicit MX of example.org).
        XCTAssertTrue(Fixtures.eventually { server.transactions.contains { $0.mailFrom.hasPrefix("MAIL FROM:<>") } })
        let dsn = server.transactions.first { $0.mailFrom.hasPrefix("MAIL FROM:<>") }?.data ?? ""
        XCTAssertTrue(dsn.contains("Status: 5.1.10"), dsn)
        XCTAssertFalse(dsn.contains("Body line"))
        XCTAssertTrue(try Fixtures.eventually { try spool.queueIDs().isEmpty })
    }
}
