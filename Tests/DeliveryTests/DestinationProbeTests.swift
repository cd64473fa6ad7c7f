// DestinationProbe against an in-process STARTTLS server and the stub resolver: MX + DNSSEC, TLSA
// match, the STARTTLS facts, the verdict for the configured level; and MTA-STS planning for one MX.

import DNS
import Foundation
import MailCore
import NIOPosix
import TLSPolicy
import XCTest
@testable import Delivery

final class DestinationProbeTests: SecureMXTestCase {
    func probe(port: Int, level: TLSLevel) async throws -> ProbeReport {
        let routing = DeliveryRouting(resolver: resolver, tlsLevels: DomainTLSLevels(default: .may, domains: ["example.net": level]))
        let probe = try DestinationProbe(settings: MXDeliveryTests.mxSettings(port: port), routing: routing, group: group,
                                     pool: pool, logger: Fixtures.logger)
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
        guard case .success(let hop) = await HopPlanning.policy(input(mxHost), resolver: resolver, verifier: verifier) else {
            return XCTFail("expected a plan for the allowed MX")
        }
        XCTAssertTrue(hop.requirement.authenticatedBy.contains(.mtaSTS))
        let verification = await hop.authenticate([try cert.der()])
        XCTAssertEqual(verification, .verified(trust: .mtaSTS))
        guard case .failure(let refused) = await HopPlanning.policy(input("other.example.net"), resolver: resolver,
                                                                    verifier: verifier) else {
            return XCTFail("an MX outside the MTA-STS policy must not be used")
        }
        XCTAssertEqual(refused.status.klass, 4)
    }
}
