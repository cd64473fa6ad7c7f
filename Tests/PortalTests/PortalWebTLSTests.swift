// PortalWebTLSTests: the portal over a real TLS listener (AsyncHTTPClient through HummingbirdTesting),
// its TLS 1.2 floor, and a clear failure to start when the certificate cannot be read.

import Foundation
import HummingbirdTesting
import Logging
import NIOSSL
@testable import Portal
import TestSupport
import XCTest

final class PortalWebTLSTests: PortalWebTestCase {
    func testThePortalAnswersOverTLSWithItsHeaders() async throws {
        let certificate = try TestCertificate.make(name: "localhost", key: .p256)
        defer { try? FileManager.default.removeItem(atPath: certificate.dir) }
        settings.certificatePath = certificate.certPath
        settings.keyPath = certificate.keyPath
        let tls = try PortalServer.tlsConfiguration(settings)
        var logger = Logger(label: "portal-tls-test")
        logger.logLevel = .critical
        let app = try PortalServer.application(settings: settings, pickup: fake, templates: try PortalTemplates(), logger: logger,
                                               tlsConfiguration: tls)
        try await app.test(.ahc(.https)) { client in
            try await client.execute(uri: "/static/portal.css", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(self.header(response, "Content-Type"), "text/css; charset=utf-8")
                self.assertSecurityHeaders(response)
            }
            try await client.execute(uri: "/login", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(self.header(response, "Set-Cookie")?.contains("; Secure;") == true)
                XCTAssertTrue(self.text(response).contains("id=\"sign-in\""))
            }
        }
    }

    func testTheTLSFloorIsVersion12() throws {
        let certificate = try TestCertificate.make(name: "localhost", key: .p256)
        defer { try? FileManager.default.removeItem(atPath: certificate.dir) }
        settings.certificatePath = certificate.certPath
        settings.keyPath = certificate.keyPath
        XCTAssertEqual(try PortalServer.tlsConfiguration(settings).minimumTLSVersion, .tlsv12)
    }

    func testAnUnreadableCertificateStopsTheStart() throws {
        settings.certificatePath = "/nonexistent/portal.pem"
        settings.keyPath = "/nonexistent/portal.key"
        XCTAssertThrowsError(try PortalServer.make(settings: settings, pickup: fake, templates: try PortalTemplates(),
                                                   logger: Logger(label: "t")))
    }
}
