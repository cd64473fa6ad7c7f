// DestinationProbe against an in-process STARTTLS server and the stub resolver: MX + DNSSEC, TLSA
// match, the STARTTLS facts, the verdict for the configured level; MTA-STS planning for one MX; and
// DANE-TA judging validity periods by the injected clock.

import DNS
import Foundation
import MailCore
import NIOPosix
import TLSPolicy
import TestSupport
import XCTest
@testable import Delivery

final class DestinationProbeTests: SecureMXTestCase {
    func probe(port: Int, level: TLSLevel) async throws -> ProbeReport {
        let routing = DeliveryRouting(resolver: resolver, tlsLevels: DomainTLSLevels(default: .may, domains: ["example.net": level]))
        let probe = try DestinationProbe(settings: MXDeliveryTests.mxSettings(port: port), routing: routing, group: group,
                                         pool: pool, clock: SystemClock(), logger: Fixtures.logger)
        return await probe.probe(domain: "example.net")
    }

    func testProbeReportsDANEMatchAndMeetsDaneLevel() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: try cert.der())])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let report = try await probe(port: server.port, level: .dane)
        XCTAssertEqual(report.mxDNSSEC, "secure")
        let host = try XCTUnwrap(report.hosts.first)
        XCTAssertEqual(host.host, mxHost)
        XCTAssertEqual(host.tlsa.count, 1)
        XCTAssertEqual(host.daneResult, "matched (dane-ee)")
        XCTAssertEqual(host.starttls?.version, "TLSv1.3")
        XCTAssertEqual(host.starttls?.trust, "dane-ee")
        XCTAssertEqual(host.starttls?.subject, mxHost)
        XCTAssertNotNil(host.starttls?.daysUntilExpiry)
        XCTAssertEqual(host.meetsRequirement, true)
        XCTAssertTrue(report.text.contains("verify=OK trust=dane-ee"), report.text)
        XCTAssertTrue(report.json.contains("\"dane_result\" : \"matched (dane-ee)\""), report.json)
        // The probe never starts a mail transaction.
        XCTAssertFalse(server.commands.contains { $0.uppercased().hasPrefix("MAIL") })
    }

    func testProbeSaysVerifyIsNotMetBySelfSignedCertificate() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let report = try await probe(port: server.port, level: .verify)
        let host = try XCTUnwrap(report.hosts.first)
        XCTAssertEqual(host.starttls?.verify, "FAIL")
        XCTAssertEqual(host.meetsRequirement, false)
        XCTAssertTrue(host.unmetReason?.contains("certificate verification failed") ?? false, host.unmetReason ?? "")
        XCTAssertTrue(report.text.contains("does NOT meet"), report.text)
    }

    func testMTASTSEnforcePlansPKIXWithTheMXNameAndRefusesOtherMX() async throws {
        let group = DeliveryGroup(domain: .name(try XCTUnwrap(DomainName("example.net"))), recipients: [], floorLevel: nil,
                                  floorVersion: nil, requireTLS: false, tlsPolicyWaived: false)
        let policy = MTASTSPolicy(mode: .enforce, mx: [mxHost], maxAge: 86400)
        let verifier = try PKIXVerifier(systemCAFile: nil, extraCAFile: cert.certPath)
        func input(_ host: String) -> HopPlanInput {
            HopPlanInput(group: group, target: MXTarget(host: host, preference: 10, mxSecure: false), mxStatus: .insecure,
                         domainLevel: .may, mtaSTS: policy, ratchet: nil)
        }
        guard case .success(let hop) = await HopPlanning.policy(input(mxHost), resolver: resolver, verifier: verifier,
                                                                clock: SystemClock()) else {
            return XCTFail("expected a plan for the allowed MX")
        }
        XCTAssertTrue(hop.requirement.authenticatedBy.contains(.mtaSTS))
        let verification = await hop.authenticate([try cert.der()])
        XCTAssertEqual(verification, .verified(trust: .mtaSTS))
        guard case .failure(let refused) = await HopPlanning.policy(input("other.example.net"), resolver: resolver,
                                                                    verifier: verifier, clock: SystemClock()) else {
            return XCTFail("an MX outside the MTA-STS policy must not be used")
        }
        XCTAssertEqual(refused.status.klass, 4)
    }

    /// The DANE authenticator checks the trust anchor's validity period at the clock's time, not the system's.
    func testDANEAuthenticatorUsesTheInjectedClock() async throws {
        let der = try cert.der()
        let plan = TLSPlan(requirement: TLSRequirement(encrypted: true, authenticatedBy: [.daneTA, .daneEE]),
                           daneRecords: [TLSARecord(usage: 2, selector: 0, matchingType: 0, data: der)])
        let verifier = try PKIXVerifier(systemCAFile: nil, extraCAFile: cert.certPath)
        let clock = TestClock(Date())
        let authenticate = HopPlanning.authenticator(plan, mx: mxHost, domain: "example.net", verifier: verifier, clock: clock)
        let now = await authenticate([der])
        XCTAssertEqual(now, .verified(trust: .daneTA))
        clock.advance(by: 200 * 365 * 86400)
        let later = await authenticate([der])
        guard case .failed(let reason) = later else { return XCTFail("still verified 200 years on: \(later)") }
        XCTAssertTrue(reason.contains("expired"), reason)
    }
}
