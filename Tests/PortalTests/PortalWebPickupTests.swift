// PortalWebPickupTests: the link GET (a session and a redirect, no secret in Location, nothing sent),
// the cookie's flags, the code and verify steps, CSRF refusals, and the headers on every page.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Portal
import XCTest

final class PortalWebPickupTests: PortalWebTestCase {
    func testTheLinkStartsASessionAndRedirectsWithoutTheSecretOrSendingACode() async throws {
        let fake = self.fake!
        try await run { client in
            try await client.execute(uri: "/p/abcdefghijklmnopqrstuvwxyz/secrettoken234567", method: .get) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertEqual(self.header(response, "Location"), "/pickup")
                let cookie = try XCTUnwrap(self.header(response, "Set-Cookie"))
                XCTAssertTrue(cookie.hasPrefix("__Host-sealgate=session"), cookie)
                for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
                    XCTAssertTrue(cookie.components(separatedBy: "; ").contains(flag), "\(flag) missing from \(cookie)")
                }
                XCTAssertFalse(cookie.contains("Domain"), cookie)
                XCTAssertFalse(cookie.contains("secrettoken"), cookie)
                self.assertSecurityHeaders(response)
            }
        }
        XCTAssertEqual(fake.arrivals.map(\.token), ["secrettoken234567"])
        XCTAssertEqual(fake.arrivals.map(\.id), ["abcdefghijklmnopqrstuvwxyz"])
        XCTAssertEqual(fake.codeRequests, 0, "a GET of the link must not send a code")
        XCTAssertEqual(fake.opens, 0, "a GET of the link must not open anything")
    }

    func testALinkClickedOnAnotherSiteContinuesByAPageOfOurOwnSoTheStrictCookieIsSent() async throws {
        let fake = self.fake!
        try await run { client in
            let headers: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            try await client.execute(uri: "/p/abcdefghijklmnopqrstuvwxyz/secrettoken234567", method: .get, headers: headers) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertNil(self.header(response, "Location"))
                XCTAssertTrue(self.header(response, "Set-Cookie")?.hasPrefix("__Host-sealgate=session") == true)
                let page = self.text(response)
                XCTAssertTrue(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/pickup\">"), page)
                XCTAssertTrue(page.contains("id=\"continue-link\" href=\"/pickup\""))
                XCTAssertFalse(page.contains("secrettoken"))
                self.assertSecurityHeaders(response)
            }
        }
        XCTAssertEqual(fake.codeRequests, 0)
        XCTAssertEqual(fake.opens, 0)
    }

    func testThePickupPageOffersTheCodeFormAndSignIn() async throws {
        let session = fake.session(in: .linked(fake.messageID))
        try await run { client in
            try await client.execute(uri: "/pickup", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                XCTAssertTrue(page.contains("id=\"send-code-form\" method=\"post\" action=\"/pickup/code\""), page)
                XCTAssertTrue(page.contains("id=\"send-code\""))
                XCTAssertTrue(page.contains("id=\"sign-in-link\" href=\"/login\""))
                XCTAssertTrue(page.contains("name=\"csrf\" value=\"\(self.csrf(session))\""))
                XCTAssertTrue(page.contains("Riverside Clinic"))
                XCTAssertTrue(page.contains("<html lang=\"en\">"))
                XCTAssertFalse(page.contains("<script"), "no JavaScript anywhere")
                self.assertSecurityHeaders(response)
            }
        }
        XCTAssertEqual(fake.codeRequests, 0)
    }

    func testAPostWithoutTheRightCSRFTokenIsRefusedAndSendsNothing() async throws {
        let session = fake.session(in: .linked(fake.messageID))
        try await run { client in
            for fields in [[:], ["csrf": "csrf-someone-else"]] as [[String: String]] {
                let (headers, body) = self.form(session, fields)
                try await client.execute(uri: "/pickup/code", method: .post, headers: headers, body: body) { response in
                    XCTAssertEqual(response.status, .forbidden)
                    XCTAssertEqual(self.problemStatus(response), 403)
                    self.assertSecurityHeaders(response)
                }
            }
            // Without a session cookie at all: the uniform 404, not a hint.
            try await client.execute(uri: "/pickup/code", method: .post, body: ByteBuffer(string: "csrf=x")) { response in
                XCTAssertEqual(response.status, .notFound)
            }
        }
        XCTAssertEqual(fake.codeRequests, 0)
    }

    func testTheCodeIsSentByPostAndTheRightCodeLeadsToTheMessage() async throws {
        let session = fake.session(in: .linked(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            let (headers, body) = self.form(session, ["csrf": self.csrf(session)])
            try await client.execute(uri: "/pickup/code", method: .post, headers: headers, body: body) { response in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                XCTAssertTrue(page.contains("p***@example.org"))
                for id in ["id=\"code\"", "name=\"code\"", "id=\"verify\"", "id=\"resend-form\"", "id=\"resend\""] {
                    XCTAssertTrue(page.contains(id), "\(id) missing")
                }
            }
            let (h2, b2) = self.form(session, ["csrf": self.csrf(session), "code": "12345678"])
            try await client.execute(uri: "/pickup/verify", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertEqual(self.header(response, "Location"), "/message/\(id)")
            }
        }
        XCTAssertEqual(fake.codeRequests, 1)
        XCTAssertEqual(fake.verifiedCodes, ["12345678"])
    }

    func testAWrongCodeShowsTheFormAgainWith400() async throws {
        fake.verifyError = .wrongCode(remaining: 2)
        let session = fake.session(in: .codeSent(fake.messageID, maskedAddress: "p***@example.org", expires: Date()))
        try await run { client in
            let (headers, body) = self.form(session, ["csrf": self.csrf(session), "code": "00000000"])
            try await client.execute(uri: "/pickup/verify", method: .post, headers: headers, body: body) { response in
                XCTAssertEqual(response.status, .badRequest)
                let page = self.text(response)
                XCTAssertTrue(page.contains("2 more times"), page)
                XCTAssertTrue(page.contains("id=\"code\""))
            }
        }
    }

    func testALockoutIsA429Page() async throws {
        fake.verifyError = .lockedOut(until: Date(timeIntervalSince1970: 1_800_000_000))
        let session = fake.session(in: .codeSent(fake.messageID, maskedAddress: "p***@example.org", expires: Date()))
        try await run { client in
            let (headers, body) = self.form(session, ["csrf": self.csrf(session), "code": "00000000"])
            try await client.execute(uri: "/pickup/verify", method: .post, headers: headers, body: body) { response in
                XCTAssertEqual(response.status, .tooManyRequests)
                XCTAssertEqual(self.problemStatus(response), 429)
            }
        }
    }

    func testEveryPageCarriesTheSecurityHeaders() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            for uri in ["/pickup", "/login", "/reset", "/password", "/message/\(id)", "/message/\(id)/part/3",
                        "/static/portal.css", "/static/logo.svg", "/no/such/page", "/revoke/\(id)/sendertoken"] {
                try await client.execute(uri: uri, method: .get, headers: self.cookie(session)) { response in
                    XCTAssertLessThan(response.status.code, 500, uri)
                    self.assertSecurityHeaders(response)
                }
            }
        }
    }

    func testAnUnknownPathIsTheUniform404Page() async throws {
        try await run { client in
            try await client.execute(uri: "/wp-admin", method: .get) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertEqual(self.problemStatus(response), 404)
                XCTAssertTrue(self.text(response).contains("This link is not valid"))
                XCTAssertTrue(self.text(response).contains("Riverside Clinic"))
            }
        }
    }
}
