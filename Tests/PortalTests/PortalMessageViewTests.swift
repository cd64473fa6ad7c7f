// PortalMessageViewTests: taking opened mail apart for the reading page: nested multiparts, base64
// and quoted-printable, charsets, RFC 2047 headers, RFC 2231 names, inline images, encapsulated mail.

import Foundation
import MIME
@testable import Portal
import XCTest

final class PortalMessageViewTests: XCTestCase {
    static let tricky = Array("""
        From: =?ISO-8859-1?Q?Dr_M=FCller?= <mueller@clinic.example>\r
        To: patient@example.org, other@example.org\r
        Cc: nurse@clinic.example\r
        Subject: =?UTF-8?B?w4RyenRsaWNoZXI=?= report\r
        Date: Tue, 1 Dec 2026 09:30:00 +0100\r
        Message-ID: <m1@clinic.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        preamble\r
        --b1\r
        Content-Type: multipart/related; boundary="b2"\r
        \r
        --b2\r
        Content-Type: multipart/alternative; boundary="b3"\r
        \r
        --b3\r
        Content-Type: text/plain; charset=iso-8859-1\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Gr=FC=DFe, a long line that is =\r
        softly broken.\r
        --b3\r
        Content-Type: text/html; charset=utf-8\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data("<p>Grüße <img src=\"cid:scan%40one\" alt=scan></p>".utf8).base64EncodedString())\r
        --b3--\r
        --b2\r
        Content-Type: image/gif\r
        Content-ID: <scan@one>\r
        Content-Transfer-Encoding: base64\r
        \r
        R0lGODlhAQABAAAAACw=\r
        --b2--\r
        --b1\r
        Content-Type: application/pdf; name="ignored.pdf"\r
        Content-Disposition: attachment;\r
         filename*0*=UTF-8''Befund%20f%C3%BCr%20;\r
         filename*1="Frau M.pdf"\r
        Content-Transfer-Encoding: base64\r
        \r
        JVBERi0xLjQK\r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Disposition: attachment; filename="../../etc/notes.txt"\r
        \r
        second text\r
        --b1\r
        Content-Type: message/rfc822\r
        \r
        Subject: forwarded\r
        \r
        inner body\r
        --b1--\r

        """.utf8)

    func testEveryPartOfANestedMessageLandsWhereAReaderExpectsIt() {
        let view = PortalMessageView(parsing: Self.tricky)
        XCTAssertEqual(view.from, "Dr Müller <mueller@clinic.example>")
        XCTAssertEqual(view.to, "patient@example.org, other@example.org")
        XCTAssertEqual(view.cc, "nurse@clinic.example")
        XCTAssertEqual(view.subject, "Ärztlicher report")
        XCTAssertEqual(view.messageID, "<m1@clinic.example>")
        XCTAssertEqual(view.dateText, "1 December 2026, 08:30 UTC")
        XCTAssertEqual(view.text, "Grüße, a long line that is softly broken.")
        XCTAssertEqual(view.html, "<p>Grüße <img src=\"cid:scan%40one\" alt=scan></p>")
        XCTAssertEqual(view.inlineParts["scan@one"]?.contentType, "image/gif")
        XCTAssertEqual(view.attachments.map(\.partNumber), ["2", "3", "4"])
        XCTAssertEqual(view.attachments.map(\.filename), ["Befund für Frau M.pdf", "notes.txt", "part-4.eml"])
        XCTAssertEqual(view.attachments.map(\.contentType), ["application/pdf", "text/plain", "message/rfc822"])
        XCTAssertEqual(view.attachments.first?.size, 9)
    }

    func testInlineImagesBecomeDataURIsAndUnknownCIDsStay() {
        let view = PortalMessageView(parsing: Self.tricky)
        XCTAssertEqual(view.htmlWithInlineImages, "<p>Grüße <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=scan></p>")
        let other = PortalCIDRewriter.rewrite("<img src='cid:missing'><img src=\"CID:scan@one\">",
                                              inline: ["scan@one": PortalInlinePart(contentType: "image/png", bytes: [1, 2])])
        XCTAssertEqual(other, "<img src='cid:missing'><img src=\"data:image/png;base64,AQI=\">")
        let notImage = PortalCIDRewriter.rewrite("<a href=\"cid:x\">", inline: ["x": PortalInlinePart(contentType: "text/html", bytes: [1])])
        XCTAssertEqual(notImage, "<a href=\"cid:x\">", "only images are inlined")
    }

    func testAPartIsFoundByItsIMAPNumberAndDecoded() {
        XCTAssertEqual(PortalMessageView.part("2", of: Self.tricky)?.bytes, Array("%PDF-1.4\n".utf8))
        XCTAssertEqual(PortalMessageView.part("3", of: Self.tricky)?.bytes, Array("second text".utf8))
        XCTAssertEqual(PortalMessageView.part("4", of: Self.tricky)?.bytes, Array("Subject: forwarded\r\n\r\ninner body".utf8))
        XCTAssertEqual(PortalMessageView.part("1.2", of: Self.tricky)?.contentType, "image/gif")
        XCTAssertNil(PortalMessageView.part("1.1.1", of: Self.tricky), "the text body is shown, not offered")
        XCTAssertNil(PortalMessageView.part("9", of: Self.tricky))
        XCTAssertNil(PortalMessageView.part("", of: Self.tricky))
    }

    func testASinglePartMessageIsItsOwnTextAndAnHTMLOnlyMessageHasNoText() {
        let plain = PortalMessageView(parsing: Array("Subject: hi\r\n\r\nJust text.\r\n".utf8))
        XCTAssertEqual(plain.text, "Just text.\r\n")
        XCTAssertNil(plain.html)
        XCTAssertTrue(plain.attachments.isEmpty)
        let html = PortalMessageView(parsing: Array("Content-Type: text/html\r\n\r\n<b>x</b>".utf8))
        XCTAssertNil(html.text)
        XCTAssertEqual(html.html, "<b>x</b>")
    }

    func testAnInlineImageTheHTMLDoesNotShowIsStillOffered() {
        let message = Array("""
            Content-Type: multipart/mixed; boundary=b\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            see picture\r
            --b\r
            Content-Type: image/png\r
            Content-ID: <pic>\r
            Content-Transfer-Encoding: base64\r
            \r
            AQI=\r
            --b--\r

            """.utf8)
        let view = PortalMessageView(parsing: message)
        XCTAssertEqual(view.attachments.map(\.filename), ["part-2.png"])
    }
}
