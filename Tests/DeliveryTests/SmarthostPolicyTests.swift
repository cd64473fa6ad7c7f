// Tests for the smarthost path's TLS policy: no floor is opportunistic; a policy floor or
// REQUIRETLS makes TLS mandatory and verified, with no plaintext fallback.

import MailCore
import NIOPosix
import XCTest
@testable import Delivery

final class SmarthostPolicyTests: XCTestCase {
    func smarthost() throws -> SmarthostDelivery {
        SmarthostDelivery(client: try SMTPClient(settings: Fixtures.settings(port: 2526),
                                                 group: MultiThreadedEventLoopGroup.singleton, logger: Fixtures.logger,
                                                 clock: SystemClock()))
    }

    func testNoFloorIsOpportunistic() throws {
        let p = try smarthost().policy(floor: .init(level: nil, version: nil), host: "127.0.0.1").get()
        XCTAssertFalse(p.requirement.encrypted)
        XCTAssertTrue(p.allowsPlaintextFallback)
    }

    func testPolicyFloorIsEnforced() throws {
        let p = try smarthost().policy(floor: .init(level: .verify, version: .tls1_2), host: "relay.example").get()
        XCTAssertTrue(p.requirement.encrypted)
        XCTAssertEqual(p.requirement.authenticatedBy, [.pkix])
        XCTAssertEqual(p.requirement.minimumVersion, .tls1_2)
        XCTAssertFalse(p.allowsPlaintextFallback)
    }

    func testRequireTLSNeedsAVerifiedHopThatOffersIt() throws {
        let p = try smarthost().policy(floor: .init(level: nil, version: nil, requireTLS: true), host: "relay.example").get()
        XCTAssertTrue(p.requireTLS)
        XCTAssertTrue(p.requirement.encrypted)
        XCTAssertEqual(p.requirement.authenticatedBy, [.pkix])
        XCTAssertFalse(p.allowsPlaintextFallback)
    }

    func testFloorGroupsSplitByRequirement() {
        var env = Fixtures.envelope(sender: "a@example.org", recipients: [
            RecipientSpec(address: Fixtures.addr("x@example.net")), RecipientSpec(address: Fixtures.addr("y@example.net")),
            RecipientSpec(address: Fixtures.addr("z@example.net"))])
        let trace = DecisionTrace(rule: "t", findingCounts: [:], uninspectedParts: 0, score: 0)
        env.decisions = [Decision(tlsLevel: .verify, trace: trace), Decision(trace: trace), Decision(tlsLevel: .verify, trace: trace)]
        // The smarthost groups through the MX path's function, without the split by domain.
        let groups = RecipientGrouping.batches(envelope: env, due: [0, 1, 2], message: Fixtures.message, byDomain: false, transport: .policy)
        XCTAssertEqual(groups.map { $0.recipients.map(\.index) }, [[0, 2], [1]])
        XCTAssertEqual(groups.map(\.floor.level), [.verify, nil])
    }
}
