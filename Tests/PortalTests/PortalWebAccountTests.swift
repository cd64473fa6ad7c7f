// PortalWebAccountTests: sign-in (a new session, the CSRF token from a blank one), the inbox, the
// password form, reset by code, the sender's revoke link (GET asks, POST revokes) and sign-out.

import Foundation
import HTTPTypes
import HummingbirdTesting
import Portal
import XCTest

final class PortalWebAccountTests: PortalWebTestCase {
    func testSignInGivesABlankSessionForTheFormThenANewSessionForTheInbox() async throws {
        try await run { client in
            let blank = try await client.execute(uri: "/login", method: .get) { response -> PortalSessionID in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                for id in ["id=\"address\"", "id=\"password\"", "id=\"sign-in\"", "<label for=\"address\">", "<label for=\"password\">"] {
                    XCTAssertTrue(page.contains(id), "\(id) missing")
                }
                let cookie = try XCTUnwrap(self.header(response, "Set-Cookie"))
                return PortalSessionID(text: String(cookie.dropFirst("__Host-sealgate=".count).prefix { $0 != ";" }))
            }
            XCTAssertEqual(self.fake.arrivals.map(\.id), [""], "the blank session holds no message")
            let (headers, body) = self.form(blank, ["csrf": self.csrf(blank), "address": "patient@example.org",
                                                    "password": "correct horse"])
            let inboxSession = try await client.execute(uri: "/login", method: .post, headers: headers, body: body) { response -> PortalSessionID in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertEqual(self.header(response, "Location"), "/inbox")
                let cookie = try XCTUnwrap(self.header(response, "Set-Cookie"))
                let session = PortalSessionID(text: String(cookie.dropFirst("__Host-sealgate=".count).prefix { $0 != ";" }))
                XCTAssertNotEqual(session, blank, "a new session after sign-in (no fixation)")
                return session
            }
            XCTAssertNil(self.fake.state(blank), "the blank session ended")
            try await client.execute(uri: "/inbox", method: .get, headers: self.cookie(inboxSession)) { response in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                XCTAssertTrue(page.contains("<ul id=\"inbox\""))
                XCTAssertTrue(page.contains("<a class=\"message-link\" href=\"/message/\(self.fake.messageID.text)\">"), page)
                XCTAssertTrue(page.contains("id=\"sign-out\""))
            }
        }
    }

    func testAWrongPasswordShowsTheFormAgainAndSignInNeedsTheToken() async throws {
        let blank = fake.session(in: .linked(nil))
        try await run { client in
            let (headers, body) = self.form(blank, ["csrf": self.csrf(blank), "address": "patient@example.org", "password": "nope"])
            try await client.execute(uri: "/login", method: .post, headers: headers, body: body) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(self.text(response).contains("id=\"login-error\""))
                XCTAssertTrue(self.text(response).contains("value=\"patient@example.org\""))
            }
            let (h2, b2) = self.form(blank, ["address": "patient@example.org", "password": "correct horse"])
            try await client.execute(uri: "/login", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .forbidden)
            }
        }
    }

    func testSettingAPasswordReturnsToTheMessage() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            try await client.execute(uri: "/password", method: .get, headers: self.cookie(session)) { response in
                let page = self.text(response)
                for id in ["id=\"password\"", "id=\"confirm\"", "id=\"save-password\""] { XCTAssertTrue(page.contains(id), id) }
            }
            let (h1, b1) = self.form(session, ["csrf": self.csrf(session), "password": "long enough", "confirm": "different one"])
            try await client.execute(uri: "/password", method: .post, headers: h1, body: b1) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(self.text(response).contains("not the same"))
            }
            let (h2, b2) = self.form(session, ["csrf": self.csrf(session), "password": "long enough", "confirm": "long enough"])
            try await client.execute(uri: "/password", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertEqual(self.header(response, "Location"), "/message/\(id)?password=1")
            }
        }
        XCTAssertEqual(fake.passwordsSet, 1)
    }

    func testAResetAsksForTheCodeAndThenSendsToSignIn() async throws {
        let blank = fake.session(in: .linked(nil))
        try await run { client in
            let (h1, b1) = self.form(blank, ["csrf": self.csrf(blank), "address": "patient@example.org"])
            let resetSession = try await client.execute(uri: "/reset", method: .post, headers: h1, body: b1) { response -> PortalSessionID in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                for id in ["id=\"code\"", "id=\"password\"", "id=\"confirm\"", "id=\"reset-password\"", "action=\"/reset/verify\""] {
                    XCTAssertTrue(page.contains(id), id)
                }
                let cookie = try XCTUnwrap(self.header(response, "Set-Cookie"))
                return PortalSessionID(text: String(cookie.dropFirst("__Host-sealgate=".count).prefix { $0 != ";" }))
            }
            let (h2, b2) = self.form(resetSession, ["csrf": self.csrf(resetSession), "code": "11111111", "password": "new password",
                                                    "confirm": "new password"])
            try await client.execute(uri: "/reset/verify", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertTrue(self.text(response).contains("id=\"reset-error\""))
            }
            let (h3, b3) = self.form(resetSession, ["csrf": self.csrf(resetSession), "code": "12345678", "password": "new password",
                                                    "confirm": "new password"])
            try await client.execute(uri: "/reset/verify", method: .post, headers: h3, body: b3) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertEqual(self.header(response, "Location"), "/login?reset=1")
            }
        }
    }

    func testTheRevokeLinkAsksOnGetAndRevokesOnlyOnPost() async throws {
        let id = fake.messageID.text
        let fake = self.fake!
        try await run { client in
            let session = try await client.execute(uri: "/revoke/\(id)/sendertoken", method: .get) { response -> PortalSessionID in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                XCTAssertTrue(page.contains("action=\"/revoke/\(id)/sendertoken\""))
                XCTAssertTrue(page.contains("id=\"revoke\""))
                let cookie = try XCTUnwrap(self.header(response, "Set-Cookie"))
                return PortalSessionID(text: String(cookie.dropFirst("__Host-sealgate=".count).prefix { $0 != ";" }))
            }
            XCTAssertTrue(fake.revocations.isEmpty, "a GET must not revoke")
            let (h1, b1) = self.form(session, [:])
            try await client.execute(uri: "/revoke/\(id)/sendertoken", method: .post, headers: h1, body: b1) { response in
                XCTAssertEqual(response.status, .forbidden)
            }
            XCTAssertTrue(fake.revocations.isEmpty)
            let (h2, b2) = self.form(session, ["csrf": self.csrf(session)])
            try await client.execute(uri: "/revoke/\(id)/sendertoken", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(self.text(response).contains("<main id=\"revoked\""))
            }
            try await client.execute(uri: "/revoke/\(id)/wrongtoken", method: .post, headers: h2, body: b2) { response in
                XCTAssertEqual(response.status, .notFound)
            }
        }
        XCTAssertEqual(fake.revocations.map(\.token), ["sendertoken", "wrongtoken"])
    }

    func testSignOutEndsTheSessionAndClearsTheCookie() async throws {
        let session = fake.session(in: .inbox(fake.recipient))
        try await run { client in
            let (headers, body) = self.form(session, ["csrf": self.csrf(session)])
            try await client.execute(uri: "/logout", method: .post, headers: headers, body: body) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertTrue(self.header(response, "Set-Cookie")?.contains("Max-Age=0") == true)
            }
        }
        XCTAssertNil(fake.state(session))
    }
}
