// Tests that pin the parser's part numbers to IMAP's (RFC 3501 §6.4.5, its worked example) and to
// the simple shapes: a single-part message, nested multiparts, message/rfc822 with one body.

import XCTest
@testable import MIME

final class MIMEPartNumberingTests: XCTestCase {
    /// The message of RFC 3501's FETCH BODY[] example, built part for part.
    let rfc3501Example = mimeCRLF("""
        From: a@example.org
        Subject: numbering
        MIME-Version: 1.0
        Content-Type: MULTIPART/MIXED; boundary="outer"

        --outer
        Content-Type: TEXT/PLAIN

        part 1
        --outer
        Content-Type: APPLICATION/OCTET-STREAM
        Content-Transfer-Encoding: base64

        AAEC
        --outer
        Content-Type: MESSAGE/RFC822

        From: b@example.org
        Content-Type: multipart/mixed; boundary=m3

        --m3
        Content-Type: text/plain

        part 3.1
        --m3
        Content-Type: application/octet-stream

        x
        --m3--
        --outer
        Content-Type: MULTIPART/MIXED; boundary=p4

        --p4
        Content-Type: IMAGE/GIF

        GIF89a
        --p4
        Content-Type: MESSAGE/RFC822

        From: c@example.org
        Content-Type: multipart/mixed; boundary=m42

        --m42
        Content-Type: image/gif

        GIF89a
        --m42
        Content-Type: multipart/alternative; boundary=a422

        --a422
        Content-Type: text/plain

        part 4.2.2.1
        --a422
        Content-Type: text/richtext

        part <bold>4.2.2.2</bold>
        --a422--
        --m42--
        --p4--
        --outer--
        """)

    func testRFC3501Example() {
        let root = MIMEParser.parse(rfc3501Example)
        XCTAssertEqual(root.partNumber, "")
        XCTAssertEqual(root.numbering, [
            "1 text/plain", "2 application/octet-stream", "3 message/rfc822", "3.1 text/plain",
            "3.2 application/octet-stream", "4 multipart/mixed", "4.1 image/gif", "4.2 message/rfc822",
            "4.2.1 image/gif", "4.2.2 multipart/alternative", "4.2.2.1 text/plain", "4.2.2.2 text/richtext",
        ])
        let texts = MIMEDecoder.decode(rfc3501Example)
        XCTAssertEqual(texts.text("4.2.2.1"), "part 4.2.2.1")
        XCTAssertEqual(texts.text("4.2.2.2"), "part 4.2.2.2")
        XCTAssertEqual(texts.text("3.1"), "part 3.1")
        XCTAssertEqual(texts.uninspected.map(\.part), ["2", "3.2", "4.1", "4.2.1"])
    }

    func testSinglePartMessageIsPartOne() {
        let root = MIMEParser.parse(mimeCRLF("Subject: hi\n\nbody\n"))
        XCTAssertEqual(root.partNumber, "1")
        XCTAssertEqual(root.contentType.mimeType, "text/plain")
        XCTAssertEqual(String(decoding: root.body, as: UTF8.self), "body\r\n")
    }

    func testEncapsulatedSinglePartMessageBodyIsNDotOne() {
        let message = mimeCRLF("""
            Content-Type: multipart/mixed; boundary=b

            --b

            cover note
            --b
            Content-Type: message/rfc822

            Subject: inner

            inner body
            --b--
            """)
        let root = MIMEParser.parse(message)
        XCTAssertEqual(root.numbering, ["1 text/plain", "2 message/rfc822", "2.1 text/plain"])
        XCTAssertEqual(root.children[1].children.first?.headers["subject"], "inner")
    }

    func testTopLevelMessageRFC822Body() {
        let root = MIMEParser.parse(mimeCRLF("Content-Type: message/rfc822\n\nContent-Type: multipart/mixed; boundary=q\n\n--q\n\na\n--q\n\nb\n--q--\n"))
        XCTAssertEqual(root.numbering, ["1 message/rfc822", "1.1 text/plain", "1.2 text/plain"])
    }

    func testDigestPartsDefaultToMessages() {
        let root = MIMEParser.parse(mimeCRLF("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d--\n"))
        XCTAssertEqual(root.numbering, ["1 message/rfc822", "1.1 text/plain"])
    }
}
