// Opportunistic STARTTLS against the in-process server: measured TLS facts (version, cipher,
// certificate verification recorded but not enforced) and the plaintext retry after a failed handshake.

import Foundation
import MailCore
import NIOCore
import NIOPosix
import NIOSSL
import TestSupport
import XCTest
@testable import Delivery

final class SMTPClientTLSTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var cert: TestCertificate!

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        cert = try TestCertificate.make(name: "localhost")
    }

    override func tearDown() {
        try? group.syncShutdownGracefully()
        cert?.remove()
    }

    func serverContext() throws -> NIOSSLContext { try cert.serverContext() }

    func deliver(to server: TestSMTPServer, extraCA: String?, host: String = "127.0.0.1") async throws -> AttemptReport {
        let env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        var settings = Fixtures.settings(port: server.port)
        settings.smarthostHost = host
        settings.extraCAFile = extraCA
        let client = try SMTPClient(settings: settings, group: group, logger: Fixtures.logger, clock: SystemClock())
        return await client.deliver(envelope: env, recipients: [(0, env.recipients[0])], message: Fixtures.message)
    }

    func testStartTLSRecordsFactsAndUntrustedChain() async throws {
        let server = TestSMTPServer(tls: .working(try serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(to: server, extraCA: nil)
        XCTAssertEqual(report.results.map(\.outcome), [.delivered])
        let tls = try XCTUnwrap(report.tls)
        XCTAssertEqual(tls.version, "TLSv1.3")
        XCTAssertTrue(tls.cipher.hasPrefix("TLS_"), tls.cipher)
        XCTAssertGreaterThanOrEqual(tls.bits, 128)
        XCTAssertEqual(tls.peerSubject, "localhost")
        XCTAssertEqual(tls.peerIssuer, "localhost")
        // Self-signed and not in the system roots: recorded as failed, delivered anyway (level may).
        guard case .failed = tls.verification else { return XCTFail("expected failed verification, got \(tls.verification)") }
        XCTAssertNil(report.tlsFallbackReason)
        XCTAssertEqual(server.transactions.first?.data, String(decoding: Fixtures.message, as: UTF8.self))
    }

    func testExtraCAMakesChainVerifyButNameMustMatch() async throws {
        let server = TestSMTPServer(tls: .working(try serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        // Trusted through the extra CA file, but we connected to 127.0.0.1, which the cert does not name.
        let report = try await deliver(to: server, extraCA: cert.certPath)
        XCTAssertEqual(report.tls?.verification, .failed(reason: "certificate name mismatch"))
        XCTAssertEqual(report.results.map(\.outcome), [.delivered])
    }

    func testTrustedChainAndMatchingNameIsVerified() async throws {
        let server = TestSMTPServer(tls: .working(try serverContext()))
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(to: server, extraCA: cert.certPath, host: "localhost")
        XCTAssertEqual(report.tls?.verification, .verified(trust: .pkix))
        XCTAssertEqual(report.results.map(\.outcome), [.delivered])
    }

    func testFailedHandshakeRetriesOnceInPlaintext() async throws {
        let server = TestSMTPServer(tls: .broken)
        try server.start(group: group)
        defer { server.stop() }
        let report = try await deliver(to: server, extraCA: nil)
        XCTAssertEqual(report.results.map(\.outcome), [.delivered])
        XCTAssertNil(report.tls)
        XCTAssertNotNil(report.tlsFallbackReason)
        XCTAssertEqual(server.transactions.count, 1)
    }
}
