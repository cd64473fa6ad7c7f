// PortalWebMessageTests: the reading page (text escaped, HTML framed and sandboxed, attachments),
// the HTML part's policy and inline images, downloads, 404 against 410, and the reply with its limits.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import Portal
import XCTest

final class PortalWebMessageTests: PortalWebTestCase {
    func testTheMessagePageEscapesTheTextAndFramesTheHTML() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            try await client.execute(uri: "/message/\(id)", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .ok)
                let page = self.text(response)
                XCTAssertTrue(page.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; your HbA1c"), page)
                XCTAssertFalse(page.contains("<script"), "the text part's script must come out escaped")
                XCTAssertTrue(page.contains("<pre id=\"message-text\""))
                XCTAssertTrue(page.contains("id=\"message-subject\">Your résults<"), page)
                XCTAssertTrue(page.contains("id=\"message-from\">Dr Jones &lt;doctor@clinic.example&gt;<"))
                XCTAssertTrue(page.contains("id=\"message-to\">patient@example.org<"))
                XCTAssertTrue(page.contains("id=\"message-date\">23 November 2026, 10:00 UTC<"), page)
                XCTAssertTrue(page.contains("<iframe id=\"message-html\" class=\"message-html\" src=\"/message/\(id)/html\" sandbox=\"\" title=\""))
                XCTAssertTrue(page.contains("<a class=\"attachment\" href=\"/message/\(id)/part/3\" data-filename=\"résultats mai.pdf\" download>résultats mai.pdf</a>"), page)
                XCTAssertFalse(page.contains("/part/2\""), "an inline image the HTML shows is not listed as an attachment")
                XCTAssertTrue(page.contains("id=\"reply-form\" method=\"post\" action=\"/message/\(id)/reply\" enctype=\"multipart/form-data\""))
                XCTAssertTrue(page.contains("<textarea id=\"reply-body\" name=\"body\""))
                XCTAssertTrue(page.contains("<input id=\"reply-attachment\" type=\"file\" name=\"attachment\" multiple>"))
                XCTAssertTrue(page.contains("id=\"send-reply\""))
                XCTAssertTrue(page.contains("id=\"set-password\" href=\"/password\""), "no password yet: offered")
                XCTAssertFalse(page.contains("id=\"reply-sent\""))
            }
            try await client.execute(uri: "/message/\(id)?sent=1", method: .get, headers: self.cookie(session)) { response in
                XCTAssertTrue(self.text(response).contains("id=\"reply-sent\""))
            }
        }
    }

    func testTheHTMLPartIsServedUnderTheSandboxPolicyWithInlineImagesAsDataURIs() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            try await client.execute(uri: "/message/\(id)/html", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .ok)
                self.assertSecurityHeaders(response, framedPart: true)
                XCTAssertEqual(self.header(response, "Content-Type"), "text/html; charset=utf-8")
                let html = self.text(response)
                XCTAssertTrue(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\">"), html)
                XCTAssertFalse(html.contains("cid:logo"))
            }
        }
    }

    func testAnAttachmentDownloadsWithItsTypeAndNameNeverInline() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let fake = self.fake!
        try await run { client in
            try await client.execute(uri: "/message/\(fake.messageID.text)/part/3", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(self.header(response, "Content-Type"), "application/pdf")
                XCTAssertEqual(self.header(response, "Content-Disposition"),
                               "attachment; filename=\"r_sultats mai.pdf\"; filename*=UTF-8''r%C3%A9sultats%20mai.pdf")
                XCTAssertEqual(self.header(response, "X-Content-Type-Options"), "nosniff")
                XCTAssertEqual(Array(response.body.readableBytesView), Array(Data(base64Encoded: "JVBERi0xLjQKJcOkw7zDtsOf")!))
            }
            try await client.execute(uri: "/message/\(fake.messageID.text)/part/9", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .notFound)
            }
        }
        XCTAssertEqual(fake.downloads.map(\.part), ["3"])
        XCTAssertEqual(fake.downloads.first?.size, 18)
    }

    func testAnInvalidLinkIs404AndAGoneMessage410() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        try await run { client in
            self.fake.openError = .invalidLink
            try await client.execute(uri: "/message/\(id)", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertEqual(self.problemStatus(response), 404)
                XCTAssertTrue(self.text(response).contains("This link is not valid"))
            }
            self.fake.openError = .gone
            try await client.execute(uri: "/message/\(id)", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .gone)
                XCTAssertEqual(self.problemStatus(response), 410)
                XCTAssertTrue(self.text(response).contains("This message is no longer available"))
                XCTAssertFalse(self.text(response).contains("This link is not valid"))
            }
            self.fake.openError = .damaged
            try await client.execute(uri: "/message/\(id)", method: .get, headers: self.cookie(session)) { response in
                XCTAssertEqual(response.status, .internalServerError)
                XCTAssertEqual(self.problemStatus(response), 500)
            }
        }
        // Without a session, the same uniform 404 (and nothing is opened).
        let opensBefore = fake.opens
        try await run { client in
            try await client.execute(uri: "/message/\(id)", method: .get) { response in
                XCTAssertEqual(response.status, .notFound)
            }
        }
        XCTAssertEqual(fake.opens, opensBefore)
    }

    func testAReplyIsParsedFromTheMultipartFormAndRedirectsBack() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let id = fake.messageID.text
        let binary: [UInt8] = [0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0xFF, 0x0A, 0x0D]
        let body = multipart([("csrf", nil, nil, Array(csrf(session).utf8)),
                              ("body", nil, nil, Array("Thank you,\r\nsee you Tuesday.".utf8)),
                              ("attachment", "scan é.bin", "application/octet-stream", binary),
                              ("attachment", "notes.txt", "text/plain", Array("a\nb".utf8)),
                              ("attachment", "", "application/octet-stream", [])])
        let fake = self.fake!
        try await run { client in
            try await client.execute(uri: "/message/\(id)/reply", method: .post, headers: self.replyHeaders(session),
                                     body: ByteBuffer(bytes: body)) { response in
                XCTAssertEqual(response.status, .seeOther, self.text(response))
                XCTAssertEqual(self.header(response, "Location"), "/message/\(id)?sent=1")
            }
        }
        XCTAssertEqual(fake.replies.count, 1)
        XCTAssertEqual(fake.replies.first?.body, "Thank you,\r\nsee you Tuesday.")
        XCTAssertEqual(fake.replies.first?.attachments, [
            PortalUpload(filename: "scan é.bin", contentType: "application/octet-stream", bytes: binary),
            PortalUpload(filename: "notes.txt", contentType: "text/plain", bytes: Array("a\nb".utf8)),
        ])
    }

    func testAReplyWithoutItsCSRFTokenIsRefused() async throws {
        let session = fake.session(in: .reading(fake.messageID))
        let fake = self.fake!
        try await run { client in
            let body = self.multipart([("body", nil, nil, Array("hi".utf8))])
            try await client.execute(uri: "/message/\(fake.messageID.text)/reply", method: .post, headers: self.replyHeaders(session),
                                     body: ByteBuffer(bytes: body)) { response in
                XCTAssertEqual(response.status, .forbidden)
            }
        }
        XCTAssertTrue(fake.replies.isEmpty)
    }

    func testAnOversizedReplyIs413BeforeItIsRead() async throws {
        settings.replyMaxSize = 1_000
        settings.formOverhead = 500
        let session = fake.session(in: .reading(fake.messageID))
        let (uri, big) = oversizedReply(session, bytes: 4_000)
        try await run { client in
            // Declared too large: refused on the Content-Length alone.
            var headers = self.replyHeaders(session)
            headers[.contentLength] = String(big.readableBytes)
            try await client.execute(uri: uri, method: .post, headers: headers, body: big) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                XCTAssertEqual(self.problemStatus(response), 413)
                self.assertSecurityHeaders(response)
            }
            // Undeclared (chunked): refused once the bytes received pass the limit.
            try await client.execute(uri: uri, method: .post, headers: self.replyHeaders(session), body: big) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
            }
        }
        XCTAssertTrue(fake.replies.isEmpty)
    }

    func testALiveServerAnswers413ToAnOversizedReplyAndKeepsServing() async throws {
        settings.replyMaxSize = 1_000
        settings.formOverhead = 0
        let session = fake.session(in: .reading(fake.messageID))
        let (uri, big) = oversizedReply(session, bytes: 2_000_000)
        try await run(.live) { client in
            try await client.execute(uri: uri, method: .post, headers: self.replyHeaders(session), body: big) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
            }
            try await client.execute(uri: "/static/logo.svg", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
            }
        }
        XCTAssertTrue(fake.replies.isEmpty)
    }

    func replyHeaders(_ session: PortalSessionID) -> HTTPFields {
        var headers = cookie(session)
        headers[.contentType] = "multipart/form-data; boundary=----WebKitFormBoundaryX"
        return headers
    }

    /// The reply route and a form with the session's token and one file of `bytes` bytes.
    func oversizedReply(_ session: PortalSessionID, bytes: Int) -> (String, ByteBuffer) {
        let body = multipart([("csrf", nil, nil, Array(csrf(session).utf8)),
                              ("attachment", "big.bin", "application/octet-stream", Array(repeating: 0x41, count: bytes))])
        return ("/message/\(fake.messageID.text)/reply", ByteBuffer(bytes: body))
    }

    /// A multipart/form-data body as a browser writes it (name, filename, type, bytes per part).
    func multipart(_ parts: [(String, String?, String?, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, filename, type, bytes) in parts {
            var head = "------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { head += "; filename=\"\(filename)\"" }
            head += "\r\n"
            if let type { head += "Content-Type: \(type)\r\n" }
            out += Array((head + "\r\n").utf8) + bytes + Array("\r\n".utf8)
        }
        return out + Array("------WebKitFormBoundaryX--\r\n".utf8)
    }
}
