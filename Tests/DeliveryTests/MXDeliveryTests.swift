// MX delivery against in-process servers on 127.0.0.x and a stub resolver: MX order and fallback,
// implicit MX, null MX, NXDOMAIN, DNS failures, address literals, grouping into transactions.

import DNS
import Foundation
import MailCore
import NIOCore
import NIOPosix
import TLSPolicy
import XCTest
@testable import Delivery

final class MXDeliveryTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var pool: NIOThreadPool!
    let resolver = StubResolver()

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
    }

    override func tearDown() {
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    static func mxSettings(port: Int) -> DeliverySettings {
        DeliverySettings(smarthostHost: nil, hostname: "gw.test", connectTimeout: 2, commandTimeout: 2, dataTimeout: 2,
                         maxConcurrent: 3, port: port)
    }

    static func deliver(_ env: Envelope, port: Int, resolver: DNS.Resolver, group: EventLoopGroup, pool: NIOThreadPool,
                        levels: DomainTLSLevels = DomainTLSLevels(default: .may, domains: [:]),
                        message: [UInt8] = Fixtures.message, observations: TLSObservationStore? = nil) async throws -> [AttemptReport] {
        let client = try SMTPClient(settings: mxSettings(port: port), group: group, logger: Fixtures.logger, clock: SystemClock())
        let routing = DeliveryRouting(resolver: resolver, tlsLevels: levels, observations: observations)
        let mx = MXDelivery(client: client, routing: routing,
                            limiter: DestinationLimiter(limit: 5), pool: pool, clock: SystemClock(), logger: Fixtures.logger)
        return await mx.deliver(envelope: env, due: Array(env.recipients.indices), message: message, transport: .policy)
    }

    func envelope(_ recipients: String...) -> Envelope {
        Fixtures.envelope(sender: "alice@example.org", recipients: recipients.map { RecipientSpec(address: Fixtures.addr($0)) })
    }

    /// The deciding report per recipient index.
    func decided(_ reports: [AttemptReport]) -> [Int: (RecipientResult, AttemptReport)] {
        var out: [Int: (RecipientResult, AttemptReport)] = [:]
        for r in reports where !r.superseded { for res in r.results { out[res.index] = (res, r) } }
        return out
    }

    func testMXOrderFallsBackToSecondMXWhenFirstIsDown() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        // Preference 5 is tried first and nobody listens on 127.0.0.3; 10 is the live server.
        resolver.setMX("example.net", [(10, "mx2.example.net"), (5, "mx1.example.net")])
        resolver.setAddresses("mx1.example.net", ["127.0.0.3"])
        resolver.setAddresses("mx2.example.net", ["127.0.0.1"])
        let reports = try await Self.deliver(envelope("ok@example.net"), port: server.port, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(reports.map(\.relayHost), ["mx1.example.net", "mx2.example.net"])
        XCTAssertEqual(reports.map(\.superseded), [true, false])
        XCTAssertEqual(reports.first?.results.first?.status, EnhancedStatus(4, 4, 1))
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .delivered)
        XCTAssertEqual(decided(reports)[0]?.1.relayIP, "127.0.0.1")
        XCTAssertEqual(server.transactions.count, 1)
    }

    func testImplicitMXUsesTheDomainsAddress() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        resolver.setAddresses("example.net", ["127.0.0.1"])
        let reports = try await Self.deliver(envelope("ok@example.net"), port: server.port, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(reports.map(\.relayHost), ["example.net"])
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .delivered)
    }

    func testNullMXBouncesWith5110AndNoAddressFallback() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        resolver.setMX("example.net", [(0, "")])
        resolver.setAddresses("example.net", ["127.0.0.1"])
        let reports = try await Self.deliver(envelope("ok@example.net"), port: server.port, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .bounced)
        XCTAssertEqual(decided(reports)[0]?.0.status, EnhancedStatus(5, 1, 10))
        XCTAssertEqual(server.connections, 0)
    }

    func testNXDomainBouncesWith512() async throws {
        resolver.setNXDomain("nowhere.example")
        let reports = try await Self.deliver(envelope("ok@nowhere.example"), port: 1, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .bounced)
        XCTAssertEqual(decided(reports)[0]?.0.status, EnhancedStatus(5, 1, 2))
    }

    func testDNSTemporaryFailureDefersWith443() async throws {
        resolver.setMXFailure("example.net", .temporary("SERVFAIL"))
        let reports = try await Self.deliver(envelope("ok@example.net"), port: 1, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .deferred)
        XCTAssertEqual(decided(reports)[0]?.0.status, EnhancedStatus(4, 4, 3))
        XCTAssertTrue(decided(reports)[0]?.0.text.contains("SERVFAIL") ?? false)
    }

    func testAddressLiteralIsDeliveredWithoutLookup() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        let reports = try await Self.deliver(envelope("ok@[127.0.0.1]"), port: server.port, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(decided(reports)[0]?.0.outcome, .delivered)
        XCTAssertEqual(server.transactions.first?.rcpts, ["RCPT TO:<ok@[127.0.0.1]>"])
    }

    func testTwoDomainsGiveTwoTransactions() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        resolver.setMX("a.example", [(10, "mx.a.example")])
        resolver.setMX("b.example", [(10, "mx.b.example")])
        resolver.setAddresses("mx.a.example", ["127.0.0.1"])
        resolver.setAddresses("mx.b.example", ["127.0.0.1"])
        let reports = try await Self.deliver(envelope("one@a.example", "two@b.example", "three@a.example"),
                                         port: server.port, resolver: resolver, group: group, pool: pool)
        XCTAssertEqual(reports.count, 2)
        XCTAssertEqual(Set(decided(reports).values.map(\.0.outcome)), [.delivered])
        let t = server.transactions
        XCTAssertEqual(t.count, 2)
        XCTAssertEqual(Set(t.map(\.rcpts)), [["RCPT TO:<one@a.example>", "RCPT TO:<three@a.example>"], ["RCPT TO:<two@b.example>"]])
    }
}
