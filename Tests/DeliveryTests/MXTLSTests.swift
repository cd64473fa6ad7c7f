// Measured-then-enforced TLS on MX delivery: verify/encrypt failures defer without a byte of the
// message (and without a plaintext retry), `may` falls back, DANE-EE matches or defers, REQUIRETLS.

import DNS
import Foundation
import MailCore
import NIOCore
import NIOPosix
import TLSPolicy
import TestSupport
import XCTest
@testable import Delivery

final class MXTLSTests: SecureMXTestCase {
    func deliver(_ server: TestSMTPServer, level: TLSLevel, requireTLS: Bool = false) async throws -> (RecipientResult?, AttemptReport?) {
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        env.requireTLS = requireTLS
        let reports = try await MXDeliveryTests.deliver(env, port: server.port, resolver: resolver, group: group, pool: pool,
                                                    levels: DomainTLSLevels(default: .may, domains: ["example.net": level]))
        let deciding = reports.last { !$0.superseded }
        return (deciding?.results.first, deciding)
    }

    func assertNothingSent(_ server: TestSMTPServer, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(server.commands.contains { $0.uppercased().hasPrefix("MAIL") }, "server saw MAIL FROM", file: file, line: line)
        XCTAssertTrue(server.transactions.isEmpty, file: file, line: line)
    }

    func testVerifyAgainstSelfSignedDefers475WithoutPlaintextRetry() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .verify)
        XCTAssertEqual(result?.outcome, .deferred)
        XCTAssertEqual(result?.status, EnhancedStatus(4, 7, 5))
        XCTAssertTrue(result?.text.contains("certificate verification failed") ?? false, result?.text ?? "")
        guard case .failed? = report?.tls?.verification else { return XCTFail("expected verify=FAIL, got \(String(describing: report?.tls))") }
        XCTAssertEqual(server.connections, 1)
        assertNothingSent(server)
        // The ladder's `tls` rung reads the measured facts: a certificate that did not verify.
        guard case .negotiated? = report?.tlsShortfall?.measured else { return XCTFail("no shortfall: \(String(describing: report?.tlsShortfall))") }
        XCTAssertEqual(report?.tlsShortfall?.unmet?.code, "certificate-not-verified")
    }

    func testEncryptWithoutSTARTTLSDefers474AndSendsNothing() async throws {
        let server = TestSMTPServer()
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .encrypt)
        XCTAssertEqual(result?.outcome, .deferred)
        XCTAssertEqual(result?.status, EnhancedStatus(4, 7, 4))
        XCTAssertNil(report?.tls)
        assertNothingSent(server)
        XCTAssertEqual(report?.tlsShortfall?.measured, .noSTARTTLS)
        XCTAssertEqual(report?.tlsShortfall?.unmet?.description, "tls: \(mxHost) offered no STARTTLS")
    }

    func testEncryptAcceptsAnUnverifiedCertificateAndRecordsTheObservation() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let store = try TLSObservationStore(directory: cert.dir + "/observations", clock: TestClock())
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        let reports = try await MXDeliveryTests.deliver(env, port: server.port, resolver: resolver, group: group, pool: pool,
                                                    levels: DomainTLSLevels(default: .encrypt, domains: [:]), observations: store)
        XCTAssertEqual(reports.last?.results.first?.outcome, .delivered)
        XCTAssertEqual(reports.last?.tls?.version, "TLSv1.3")
        let seen = try store.observations(domain: "example.net")
        XCTAssertEqual(seen.map(\.mxHost), [mxHost])
        XCTAssertEqual(seen.first?.bestVersion, "TLSv1.3")
    }

    func testRatchetRaisesMayToTheVerifiedTLSSeenBefore() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let store = try TLSObservationStore(directory: cert.dir + "/ratchet", ratchet: true, clock: TestClock())
        let earlier = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                               verification: .verified(trust: .pkix), peerSubject: mxHost, peerIssuer: "Test CA")
        try store.record(domain: "example.net", mxHost: mxHost, facts: earlier, certificateExpires: nil)
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        let reports = try await MXDeliveryTests.deliver(env, port: server.port, resolver: resolver, group: group, pool: pool, observations: store)
        let result = reports.last?.results.first
        XCTAssertEqual(result?.outcome, .deferred)
        XCTAssertEqual(result?.status, EnhancedStatus(4, 7, 5))
        XCTAssertTrue(reports.last?.notes.contains { $0.hasPrefix("ratchet:") } ?? false)
        assertNothingSent(server)
    }

    func testMayFallsBackToPlaintextAfterHandshakeFailure() async throws {
        let server = TestSMTPServer(tls: .broken)
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .may)
        XCTAssertEqual(result?.outcome, .delivered)
        XCTAssertNil(report?.tls)
        XCTAssertNotNil(report?.tlsFallbackReason)
        XCTAssertEqual(server.connections, 2)
        XCTAssertNil(report?.tlsShortfall, "level may asks for nothing: no shortfall")
    }

    func testEncryptHandshakeFailureDefersWithoutPlaintextRetry() async throws {
        let server = TestSMTPServer(tls: .broken)
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .encrypt)
        XCTAssertEqual(result?.outcome, .deferred)
        XCTAssertEqual(result?.status, EnhancedStatus(4, 7, 5))
        XCTAssertEqual(server.connections, 1)
        assertNothingSent(server)
        XCTAssertEqual(report?.tlsShortfall?.unmet?.code, "tls-handshake-failed")
    }

    func testLevelNoneNeverStartsTLS() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .none)
        XCTAssertEqual(result?.outcome, .delivered)
        XCTAssertNil(report?.tls)
        XCTAssertFalse(server.commands.contains("STARTTLS"))
    }

    func testDANEEEMatchDeliversWithTrustDaneEE() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: try cert.der())])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .dane)
        XCTAssertEqual(result?.outcome, .delivered)
        XCTAssertEqual(report?.tls?.verification, .verified(trust: .daneEE))
        XCTAssertTrue(report?.notes.contains { $0.contains("usable TLSA") } ?? false, "\(report?.notes ?? [])")
    }

    func testDANEMismatchDefers() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: [1, 2, 3])])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .dane)
        XCTAssertEqual(result?.outcome, .deferred)
        XCTAssertEqual(result?.status, EnhancedStatus(4, 7, 5))
        guard case .failed? = report?.tls?.verification else { return XCTFail("expected DANE failure") }
        assertNothingSent(server)
        XCTAssertEqual(report?.tlsShortfall?.unmet?.code, "tls-trust-mismatch")
    }

    func testRequireTLSBouncesWith5730WhenNextHopLacksREQUIRETLS() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: try cert.der())])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()), requireTLS: false)
        try server.start(group: group)
        defer { server.stop() }
        let (result, report) = try await deliver(server, level: .may, requireTLS: true)
        XCTAssertEqual(result?.outcome, .bounced)
        XCTAssertEqual(result?.status, EnhancedStatus(5, 7, 30))
        // The certificate was verified (DANE, looked up for REQUIRETLS): only the missing extension failed.
        XCTAssertEqual(report?.tls?.verification, .verified(trust: .daneEE))
        XCTAssertTrue(result?.text.contains("REQUIRETLS is required, but was not offered") ?? false, result?.text ?? "")
        assertNothingSent(server)
        XCTAssertNil(report?.tlsShortfall, "REQUIRETLS failures are final, not a rung to climb past")
    }

    func testRequireTLSDeliversWithREQUIRETLSParameterWhenAllConditionsHold() async throws {
        resolver.setTLSA("_25._tcp.\(mxHost)", [TLSARecord(usage: 3, selector: 0, matchingType: 0, data: try cert.der())])
        let server = TestSMTPServer(tls: .working(try cert.serverContext()), requireTLS: true)
        try server.start(group: group)
        defer { server.stop() }
        let (result, _) = try await deliver(server, level: .may, requireTLS: true)
        XCTAssertEqual(result?.outcome, .delivered)
        XCTAssertTrue(server.transactions.first?.mailFrom.hasSuffix(" REQUIRETLS") ?? false)
    }

    func testRequireTLSWithUnverifiedCertificateBounces() async throws {
        let server = TestSMTPServer(tls: .working(try cert.serverContext()), requireTLS: true)
        try server.start(group: group)
        defer { server.stop() }
        // Secure MX, no TLSA, self-signed: neither DANE nor PKIX verifies the peer.
        let (result, _) = try await deliver(server, level: .may, requireTLS: true)
        XCTAssertEqual(result?.outcome, .bounced)
        XCTAssertEqual(result?.status, EnhancedStatus(5, 7, 30))
        assertNothingSent(server)
    }

    func testRequireTLSWithInsecureMXBounces() async throws {
        resolver.setMX("example.net", [(10, mxHost)], status: .insecure)
        let server = TestSMTPServer(tls: .working(try cert.serverContext()), requireTLS: true)
        try server.start(group: group)
        defer { server.stop() }
        let (result, _) = try await deliver(server, level: .may, requireTLS: true)
        XCTAssertEqual(result?.status, EnhancedStatus(5, 7, 30))
        XCTAssertEqual(server.connections, 0)
    }

    func testEightBitBodyToNon8BITMIMEPeerArrivesQuotedPrintable() async throws {
        let server = TestSMTPServer(eightBitMIME: false)
        try server.start(group: group)
        defer { server.stop() }
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        env.bodyType = .eightBitMIME
        let message = Array(("From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nCaf\u{e9} cr\u{e8}me\r\n").utf8)
        let reports = try await MXDeliveryTests.deliver(env, port: server.port, resolver: resolver, group: group, pool: pool, message: message)
        XCTAssertEqual(reports.last?.results.first?.outcome, .delivered)
        let data = server.transactions.first?.data ?? ""
        XCTAssertTrue(data.contains("Content-Transfer-Encoding: quoted-printable"), data)
        XCTAssertFalse(data.contains("Content-Transfer-Encoding: 8bit"), data)
        XCTAssertTrue(data.contains("Caf=C3=A9 cr=C3=A8me"), data)
        XCTAssertFalse(server.transactions.first?.mailFrom.contains("BODY=8BITMIME") ?? true)
    }
}
