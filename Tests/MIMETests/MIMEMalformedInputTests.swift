// Tests that hostile and broken mail never crashes the parser or decoder and that content which
// cannot be read is reported as uninspected rather than silently dropped.

import XCTest
import MailCore
@testable import MIME

final class MIMEMalformedInputTests: XCTestCase {
    func testMissingClosingBoundaryKeepsTheLastPart() {
        let message = mimeCRLF("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\n\nlast SSN 123-45-6789\n")
        let root = MIMEParser.parse(message)
        XCTAssertEqual(root.defect, .unterminated)
        let d = MIMEDecoder.decode(message)
        XCTAssertEqual(d.text("1"), "first")
        XCTAssertEqual(d.text("2"), "last SSN 123-45-6789\r\n")
    }

    func testMultipartWithoutDelimitersIsScannedAsText() {
        for header in ["Content-Type: multipart/mixed; boundary=nothere", "Content-Type: multipart/mixed"] {
            let d = MIMEDecoder.decode(mimeCRLF("\(header)\n\nSSN 123-45-6789\n"))
            XCTAssertEqual(d.texts, [DecodedText(part: "1", contentType: "text/plain", text: "SSN 123-45-6789\r\n")], header)
        }
    }

    func testGarbageBase64IsDecodingFailedAndRawIsStillScanned() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: text/plain
            Content-Transfer-Encoding: base64

            SSN: 123-45-6789 !!! this is not base64 ###
            """))
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "1", contentType: "text/plain", reason: "decoding failed")])
        XCTAssertEqual(d.text("1"), "SSN: 123-45-6789 !!! this is not base64 ###")
    }

    func testUnknownTransferEncoding() {
        let d = MIMEDecoder.decode(mimeCRLF("Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n"))
        XCTAssertEqual(d.uninspected.map(\.reason), ["decoding failed"])
        XCTAssertEqual(d.texts.count, 1)
    }

    func testHeaderWithoutColonIsKeptAsText() {
        let message = mimeCRLF("""
            Subject: hi
            this line has no colon 123-45-6789
            Content-Type: text/html

            <b>body</b>
            """)
        let root = MIMEParser.parse(message)
        XCTAssertEqual(root.contentType.mimeType, "text/html")
        XCTAssertEqual(root.strayHeaderLines.count, 1)
        let d = MIMEDecoder.decode(message)
        XCTAssertEqual(d.headers.map(\.name), ["Subject", "Content-Type"])
        XCTAssertEqual(d.text("header"), "this line has no colon 123-45-6789\n")
        XCTAssertEqual(d.text("1"), "body")
        XCTAssertEqual(d.texts.count, 2)
    }

    func testStrayHeaderLinesInPartsAndForwardedMessagesAreScannedOnce() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain
            stray in part MRN 1
            X-Other: y

            part one
            --b
            Content-Type: message/rfc822

            Subject: inner
            stray in message MRN 2

            inner body
            --b--
            """))
        XCTAssertEqual(d.texts.map(\.part), ["1", "1", "2", "2", "2.1"])
        XCTAssertEqual(d.texts.filter { $0.text.contains("stray") }.map(\.part), ["1", "2"])
    }

    func testBodyPartWithoutHeaderSectionIsBody() {
        let d = MIMEDecoder.decode(mimeCRLF("Content-Type: multipart/mixed; boundary=b\n\n--b\nno headers here\nMRN 1234\n--b--\n"))
        XCTAssertEqual(d.text("1"), "no headers here\r\nMRN 1234")
    }

    func testBoundaryInsideTheBodyDoesNotSplit() {
        let message = mimeCRLF("""
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            text mentioning --b in a line, and
            --bb which is another boundary, and --b-- mid-line
            --b--
            """)
        let root = MIMEParser.parse(message)
        XCTAssertEqual(root.children.count, 1)
        XCTAssertNil(root.defect)
        XCTAssertEqual(MIMEDecoder.decode(message).text("1"),
                       "text mentioning --b in a line, and\r\n--bb which is another boundary, and --b-- mid-line")
    }

    func testTenThousandNestedMultipartsStopAtMaxDepth() {
        var message = "Subject: nest\r\n"
        for level in 0..<10_000 {
            message += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n"
        }
        message += "Content-Type: text/plain\r\n\r\nSSN 123-45-6789\r\n"
        let bytes = Array(message.utf8)
        let root = MIMEParser.parse(bytes, maxDepth: 20)
        var deepest = root
        var depth = 0
        while let child = deepest.children.first { deepest = child; depth += 1 }
        XCTAssertEqual(depth, 20)
        XCTAssertEqual(deepest.defect, .tooDeep)
        XCTAssertEqual(deepest.partNumber, Array(repeating: "1", count: 20).joined(separator: "."))
        let d = MIMEDecoder.decode(bytes)
        XCTAssertEqual(d.uninspected.count, 1)
        XCTAssertEqual(d.uninspected.first?.reason, "too deeply nested")
        XCTAssertEqual(d.uninspected.first?.contentType, "multipart/mixed")
    }

    func testNestedMessagesStopAtMaxDepth() {
        var message = ""
        for _ in 0..<100 { message += "Content-Type: message/rfc822\r\n\r\n" }
        message += "body\r\n"
        let d = MIMEDecoder.decode(Array(message.utf8), limits: DecodeLimits(maxDepth: 5))
        XCTAssertEqual(d.uninspected.map(\.reason), ["too deeply nested"])
    }

    func testTooManyParts() {
        var message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        for i in 0..<50 { message += "--b\r\n\r\npart \(i)\r\n" }
        message += "--b--\r\n"
        let d = MIMEDecoder.decode(Array(message.utf8), limits: DecodeLimits(maxParts: 10))
        XCTAssertEqual(d.texts.count, 9)              // the root counts as one entity
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "TEXT", contentType: "multipart/mixed", reason: "too many parts")])
    }

    func testEmptyAndOddInputsNeverCrash() {
        let inputs: [[UInt8]] = [
            [], [0x0A], [0x0D, 0x0A, 0x0D, 0x0A], Array("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n".utf8),
            Array("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b".utf8),
            Array("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--".utf8),
            Array("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!".utf8),
            Array("Content-Type: text/plain; charset=*\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=".utf8),
            Array(" folded first\r\n\r\nbody".utf8),
            (0...255).map { UInt8($0) },
        ]
        for input in inputs {
            _ = MIMEDecoder.decode(input)
            _ = MIMEParser.parse(input, maxDepth: 0, maxParts: 0)
        }
    }

    func testPseudoRandomBytesNeverCrash() {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        let alphabet = Array("-\r\n:;=\"<>&#?bB Content-Type multipart/mixed boundary message/rfc822 base64".utf8)
        for _ in 0..<300 {
            var bytes: [UInt8] = Array("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n".utf8)
            for _ in 0..<200 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let r = Int(truncatingIfNeeded: seed >> 33)
                bytes.append(r % 4 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : alphabet[r % alphabet.count])
            }
            _ = MIMEDecoder.decode(bytes)
        }
    }
}
