// PortalWebTestCase: runs the portal's application in memory (HummingbirdTesting's router framework)
// against a FakePickupService, with helpers for cookies, forms and the headers every page must carry.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import Portal
import XCTest

class PortalWebTestCase: XCTestCase {
    static let message = Array("""
        From: Dr Jones <doctor@clinic.example>\r
        To: patient@example.org\r
        Subject: =?UTF-8?Q?Your_r=C3=A9sults?=\r
        Date: Mon, 23 Nov 2026 10:00:00 +0000\r
        Message-ID: <orig-1@clinic.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        --outer\r
        Content-Type: multipart/alternative; boundary="alt"\r
        \r
        --alt\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Hello <script>alert(1)</script> your HbA1c is 6.1%.\r
        --alt\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>Hello</p><img src="cid:logo@clinic"><script>alert(1)</script>\r
        --alt--\r
        --outer\r
        Content-Type: image/png\r
        Content-ID: <logo@clinic>\r
        Content-Transfer-Encoding: base64\r
        \r
        iVBORw0KGgo=\r
        --outer\r
        Content-Type: application/pdf\r
        Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sultats%20mai.pdf\r
        Content-Transfer-Encoding: base64\r
        \r
        JVBERi0xLjQKJcOkw7zDtsOf\r
        --outer--\r

        """.utf8)

    var fake: FakePickupService!
    var settings = PortalServerSettings(host: "127.0.0.1", port: 0, certificatePath: "", keyPath: "")

    override func setUpWithError() throws {
        fake = FakePickupService(content: Self.message)
    }

    /// Runs `test` against the application: in memory by default, or on a live plain-HTTP listener.
    func run(_ setup: TestingSetup = .router, _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let templates = try PortalTemplates()
        var logger = Logger(label: "portal-test")
        logger.logLevel = .critical
        let app = try PortalServer.application(settings: settings, pickup: fake, templates: templates, logger: logger,
                                               tlsConfiguration: nil)
        try await app.test(setup, test)
    }

    func cookie(_ session: PortalSessionID) -> HTTPFields {
        [HTTPField.Name("Cookie")!: "__Host-sealgate=\(session.text)"]
    }

    func form(_ session: PortalSessionID, _ fields: [String: String]) -> (HTTPFields, ByteBuffer) {
        var headers = cookie(session)
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return (headers, ByteBuffer(string: body))
    }

    func csrf(_ session: PortalSessionID) -> String { "csrf-\(session.text)" }

    func header(_ response: TestResponse, _ name: String) -> String? { response.headers[HTTPField.Name(name)!] }

    func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The headers every response must carry (the framed HTML part has its own CSP and may be framed).
    func assertSecurityHeaders(_ response: TestResponse, framedPart: Bool = false, file: StaticString = #filePath,
                               line: UInt = #line) {
        if framedPart {
            XCTAssertEqual(header(response, "Content-Security-Policy"),
                           "sandbox; default-src 'none'; img-src data: cid:; frame-ancestors 'self'", file: file, line: line)
            XCTAssertNil(header(response, "X-Frame-Options"), file: file, line: line)
        } else {
            XCTAssertEqual(header(response, "Content-Security-Policy"),
                           "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-src 'self'; "
                           + "frame-ancestors 'none'; base-uri 'none'", file: file, line: line)
            XCTAssertEqual(header(response, "X-Frame-Options"), "DENY", file: file, line: line)
        }
        XCTAssertEqual(header(response, "Strict-Transport-Security"), "max-age=31536000", file: file, line: line)
        XCTAssertEqual(header(response, "Referrer-Policy"), "no-referrer", file: file, line: line)
        XCTAssertEqual(header(response, "X-Content-Type-Options"), "nosniff", file: file, line: line)
        XCTAssertEqual(header(response, "Cache-Control"), "no-store", file: file, line: line)
        XCTAssertEqual(header(response, "Cross-Origin-Opener-Policy"), "same-origin", file: file, line: line)
    }

    /// The problem page's status, as the page itself says it (`<main id="problem" data-status="…">`).
    func problemStatus(_ response: TestResponse) -> Int? {
        let body = text(response)
        guard let range = body.range(of: "id=\"problem\" class=\"card\" data-status=\"") else { return nil }
        return Int(body[range.upperBound...].prefix(3))
    }
}
