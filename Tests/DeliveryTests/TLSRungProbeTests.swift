// TLSRungProbe against an in-process SMTP server and the stub resolver: each recipient's policy floor
// is applied (verify fails on a self-signed MX that `may` accepts), one probe per domain and floor, no MAIL.

import DNS
import Foundation
import MailCore
import NIOPosix
import TLSPolicy
import TestSupport
import XCTest
@testable import Delivery

final class TLSRungProbeTests: SecureMXTestCase {
    static let trace = DecisionTrace(rule: "10-phi.yaml:5 phi", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1)
    /// The shipped PHI rule: verified TLS 1.2 or better.
    static let phi = Decision(tlsLevel: .verify, minimumTLSVersion: .tls1_2, fallback: .portal, trace: trace)
    /// The catch-all: opportunistic TLS.
    static let plain = Decision(tlsLevel: .may, trace: trace)

    func measure(_ recipients: [(String, Decision)], port: Int, level: TLSLevel = .may,
                 message: [UInt8] = Fixtures.message) async throws -> [MeasuredTLSRung] {
        let routing = DeliveryRouting(resolver: resolver, tlsLevels: DomainTLSLevels(default: .may, domains: ["example.net": level]))
        let probe = try DestinationProbe(settings: MXDeliveryTests.mxSettings(port: port), routing: routing, group: group,
                                         pool: pool, clock: SystemClock(), logger: Fixtures.logger)
        return await TLSRungProbe(probe: probe).measure(recipients.map { (Fixtures.addr($0.0), $0.1) }, message: message)
    }

    func testNoSTARTTLSIsMeasuredOnceForRecipientsSharingDomainAndFloor() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        let rungs = try await measure([("a@example.net", Self.phi), ("b@example.net", Self.phi)], port: server.port)
        XCTAssertEqual(rungs.map(\.line), Array(repeating: "tls: mx.example.net offered no STARTTLS", count: 2))
        XCTAssertEqual(rungs.first?.outcome?.unmet?.code, "no-starttls")
        XCTAssertEqual(server.connections, 1, "one probe for one domain and floor")
        XCTAssertFalse(server.commands.contains { $0.uppercased().hasPrefix("MAIL") }, "\(server.commands)")
    }

    func testEachFloorIsProbedWithItsOwnRequirement() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let rungs = try await measure([("a@example.net", Self.phi), ("b@example.net", Self.plain)], port: server.port)
        // The MX's certificate is self-signed: policy's verify floor is not met, `may` is.
        XCTAssertTrue(rungs[0].line.hasPrefix("tls: certificate not verified ("), rungs[0].line)
        XCTAssertEqual(rungs[0].outcome?.requirement.minimumVersion, .tls1_2)
        XCTAssertEqual(rungs[1].line, "tls: mx.example.net TLS 1.3, certificate not verified (\(verifyReason(rungs[1]))): meets the requirement")
        XCTAssertEqual(server.connections, 2, "two floors, two probes")
        XCTAssertFalse(server.commands.contains { $0.uppercased().hasPrefix("MAIL") }, "\(server.commands)")
    }

    func testMatchingTLSAMeetsThePHIFloorUnderDANE() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: try cert.der())])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let rungs = try await measure([("a@example.net", Self.phi)], port: server.port, level: .dane)
        XCTAssertEqual(rungs.map(\.line), ["tls: mx.example.net TLS 1.3, certificate verified (dane-ee): meets the requirement"])
    }

    func testAnMXLookupFailureIsNotMeasuredAndSkipsNoRung() async throws {
        resolver.setNXDomain("nowhere.example")
        let rungs = try await measure([("a@nowhere.example", Self.phi)], port: 25)
        XCTAssertNil(rungs.first?.outcome)
        XCTAssertTrue(rungs.first?.line.hasPrefix("tls: not measured (nowhere.example: MX lookup: ") ?? false, rungs.first?.line ?? "")
    }

    private func verifyReason(_ rung: MeasuredTLSRung) -> String {
        guard case .negotiated(let facts)? = rung.outcome?.measured, case .failed(let reason) = facts.verification else { return "?" }
        return reason
    }
}
