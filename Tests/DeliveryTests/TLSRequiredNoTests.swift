// RFC 8689 §5 `TLS-Required: No` on both delivery paths: without a policy TLS floor the message
// goes at the relaxed level (`may`, plaintext allowed); under a floor the header is ignored.

import Foundation
import MailCore
import TLSPolicy
import XCTest
@testable import Delivery

final class TLSRequiredNoTests: SecureMXTestCase {
    let relaxedMessage = Array(("TLS-Required: No\r\nMessage-ID: <t2@example.org>\r\nFrom: alice@example.org\r\n"
        + "To: ok@example.net\r\nSubject: newsletter\r\n\r\nbody\r\n").utf8)
    let honoured = "TLS-Required: No honoured"

    /// One recipient; `floor` is policy's TLS level for it (nil: no Decision, no floor).
    func envelope(floor: TLSLevel?) -> Envelope {
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        if let floor {
            env.decisions = [Decision(tlsLevel: floor, trace: DecisionTrace(rule: "10-phi.yaml:1 tls", findingCounts: [:],
                                                                            uninspectedParts: 0, score: 0))]
        }
        return env
    }

    /// A server that does not offer STARTTLS: only a relaxed level can deliver to it.
    func plaintextServer() throws -> TestSMTPServer {
        let server = TestSMTPServer()
        try server.start(group: group)
        return server
    }

    func viaSmarthost(_ env: Envelope, server: TestSMTPServer) async throws -> AttemptReport? {
        let client = try SMTPClient(settings: Fixtures.settings(port: server.port), group: group, logger: Fixtures.logger, clock: SystemClock())
        return await SmarthostDelivery(client: client).deliver(envelope: env, due: [0], message: relaxedMessage, transport: .policy).last
    }

    /// example.net is configured at `encrypt`; the header may relax that, a policy floor may not.
    func viaMX(_ env: Envelope, server: TestSMTPServer) async throws -> AttemptReport? {
        let reports = try await MXDeliveryTests.deliver(env, port: server.port, resolver: resolver, group: group, pool: pool,
                                                        levels: DomainTLSLevels(default: .may, domains: ["example.net": .encrypt]),
                                                        message: relaxedMessage)
        return reports.last { !$0.superseded }
    }

    func testSmarthostHonoursTheHeaderWithoutAPolicyFloor() async throws {
        let server = try plaintextServer()
        defer { server.stop() }
        let report = try await viaSmarthost(envelope(floor: nil), server: server)
        XCTAssertEqual(report?.results.first?.outcome, .delivered)
        XCTAssertTrue(report?.notes.contains { $0.hasPrefix(honoured) } ?? false, "\(report?.notes ?? [])")
        XCTAssertEqual(server.transactions.count, 1)
    }

    func testSmarthostIgnoresTheHeaderUnderAPolicyFloor() async throws {
        let server = try plaintextServer()
        defer { server.stop() }
        let report = try await viaSmarthost(envelope(floor: .encrypt), server: server)
        XCTAssertEqual(report?.results.first?.outcome, .deferred)
        XCTAssertEqual(report?.results.first?.status, EnhancedStatus(4, 7, 4))
        XCTAssertFalse(report?.notes.contains { $0.hasPrefix(honoured) } ?? true)
        XCTAssertTrue(server.transactions.isEmpty, "nothing is sent in plaintext under the floor")
    }

    func testMXHonoursTheHeaderWithoutAPolicyFloor() async throws {
        let server = try plaintextServer()
        defer { server.stop() }
        let report = try await viaMX(envelope(floor: nil), server: server)
        XCTAssertEqual(report?.results.first?.outcome, .delivered, "the configured encrypt level is relaxed to may")
        XCTAssertTrue(report?.notes.contains { $0.hasPrefix(honoured) } ?? false, "\(report?.notes ?? [])")
        XCTAssertEqual(server.transactions.count, 1)
    }

    func testMXIgnoresTheHeaderUnderAPolicyFloor() async throws {
        let server = try plaintextServer()
        defer { server.stop() }
        let report = try await viaMX(envelope(floor: .encrypt), server: server)
        XCTAssertEqual(report?.results.first?.outcome, .deferred)
        XCTAssertEqual(report?.results.first?.status, EnhancedStatus(4, 7, 4))
        XCTAssertFalse(report?.notes.contains { $0.hasPrefix(honoured) } ?? true)
        XCTAssertTrue(server.transactions.isEmpty, "nothing is sent in plaintext under the floor")
    }
}
