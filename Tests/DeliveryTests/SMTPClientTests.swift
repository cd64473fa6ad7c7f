// SMTPClient against the in-process test server: per-recipient delivered/deferred/bounced results,
// pipelining, dot-stuffing on the wire, DSN parameters, and a refused connection.

import Foundation
import MailCore
import NIOCore
import NIOPosix
import XCTest
@testable import Delivery

final class SMTPClientTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!

    override func setUp() { group = MultiThreadedEventLoopGroup(numberOfThreads: 2) }
    override func tearDown() { try? group.syncShutdownGracefully() }

    func recipients() -> [RecipientSpec] {
        [RecipientSpec(address: Fixtures.addr("ok@example.net"), notify: [.failure], originalRecipient: "rfc822;ok@example.net"),
         RecipientSpec(address: Fixtures.addr("defer@example.net")),
         RecipientSpec(address: Fixtures.addr("bounce@example.net"))]
    }

    func deliver(server: TestSMTPServer) async throws -> AttemptReport {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: recipients())
        let client = try SMTPClient(settings: Fixtures.settings(port: server.port), group: group, logger: Fixtures.logger, clock: SystemClock())
        return await client.deliver(envelope: env, recipients: env.recipients.enumerated().map { ($0.offset, $0.element) },
                                    message: Fixtures.message)
    }

    func testPerRecipientOutcomesWithPipelining() async throws {
        let server = TestSMTPServer(pipelining: true)
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(server: server)

        XCTAssertEqual(report.results.map(\.outcome), [.delivered, .deferred, .bounced])
        XCTAssertEqual(report.results.map(\.index), [0, 1, 2])
        XCTAssertEqual(report.results[0].reply?.description, "250 2.0.0 Ok: queued as TESTID")
        XCTAssertEqual(report.results[1].status, EnhancedStatus(4, 2, 0))
        XCTAssertEqual(report.results[2].status, EnhancedStatus(5, 1, 1))
        XCTAssertEqual(report.results[2].reply?.lines.last, "User unknown")
        XCTAssertEqual(report.relayIP, "127.0.0.1")
        XCTAssertEqual(report.relayPort, server.port)
        XCTAssertNil(report.tls)

        let t = server.transactions
        XCTAssertEqual(t.count, 1)
        XCTAssertEqual(t.first?.mailFrom, "MAIL FROM:<alice@example.org> SIZE=\(Fixtures.message.count)")
        XCTAssertEqual(t.first?.rcpts, ["RCPT TO:<ok@example.net> NOTIFY=FAILURE ORCPT=rfc822;ok@example.net"])
        // Dot-stuffed on the wire, unstuffed by the server: the message arrives byte for byte.
        XCTAssertEqual(t.first?.data, String(decoding: Fixtures.message, as: UTF8.self))
        // PIPELINING: MAIL and all three RCPTs arrived in one read.
        let mailRead = server.commandReads.first { $0.first?.hasPrefix("MAIL") == true }
        XCTAssertEqual(mailRead?.count, 4)
    }

    func testWithoutPipeliningOneCommandAtATime() async throws {
        let server = TestSMTPServer(pipelining: false)
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(server: server)
        XCTAssertEqual(report.results.map(\.outcome), [.delivered, .deferred, .bounced])
        XCTAssertTrue(server.commandReads.allSatisfy { $0.count == 1 })
    }

    func testRefusedConnectionDefersEveryone() async throws {
        // Bind then close a server to get a port with nobody listening.
        let server = TestSMTPServer()
        try server.start(group: group)
        let port = server.port
        server.stop()
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: recipients())
        let client = try SMTPClient(settings: Fixtures.settings(port: port), group: group, logger: Fixtures.logger, clock: SystemClock())
        let report = await client.deliver(envelope: env, recipients: env.recipients.enumerated().map { ($0.offset, $0.element) },
                                          message: Fixtures.message)
        XCTAssertEqual(report.results.map(\.outcome), [.deferred, .deferred, .deferred])
        XCTAssertEqual(report.results.first?.status, EnhancedStatus(4, 4, 1))
        XCTAssertNil(report.relayIP)
        XCTAssertTrue(report.results.first?.text.contains("connect to 127.0.0.1") ?? false)
    }

    func testGreetingRejectionBounces() async throws {
        let server = TestSMTPServer(greeting: "554 5.7.1 go away")
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(server: server)
        XCTAssertEqual(report.results.map(\.outcome), [.bounced, .bounced, .bounced])
        XCTAssertEqual(report.results.first?.status, EnhancedStatus(5, 7, 1))
    }
}

/// The connection cache: a second message to the same hop reuses the session (RSET, no new
/// connect, no second EHLO); a session the server has dropped is replaced by a new connection.
final class ConnectionReuseTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!

    override func setUp() { group = MultiThreadedEventLoopGroup(numberOfThreads: 2) }
    override func tearDown() { try? group.syncShutdownGracefully() }

    func send(_ client: SMTPClient) async -> AttemptReport {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        return await client.deliver(envelope: env, recipients: [(0, env.recipients[0])], message: Fixtures.message)
    }

    func testSecondMessageReusesTheSession() async throws {
        let server = TestSMTPServer(pipelining: true)
        try server.start(group: group)
        defer { server.stop() }
        let client = try SMTPClient(settings: Fixtures.settings(port: server.port), group: group, logger: Fixtures.logger, clock: SystemClock())
        let first = await send(client)
        let second = await send(client)
        XCTAssertEqual(first.results.map(\.outcome), [.delivered])
        XCTAssertEqual(second.results.map(\.outcome), [.delivered])
        XCTAssertEqual(server.connections, 1, "one connection for both messages")
        XCTAssertEqual(server.transactions.count, 2)
        XCTAssertEqual(server.commands.filter { $0.hasPrefix("EHLO") }.count, 1)
        XCTAssertTrue(server.commands.contains("RSET"), "\(server.commands)")
        XCTAssertEqual(second.relayIP, "127.0.0.1")
    }
}
