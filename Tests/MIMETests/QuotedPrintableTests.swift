// Tests for the quoted-printable encoder (RFC 2045 §6.7) that the 8-bit downgrade uses:
// escapes, trailing whitespace, soft line breaks, and a round trip through the decoder.

import XCTest
@testable import MIME

final class QuotedPrintableTests: XCTestCase {
    func testQuotedPrintableEscapesAndSoftBreaks() {
        let out = String(decoding: QuotedPrintable.encode(ArraySlice(Array("a=b \u{e9}\r\nend \r\n".utf8))), as: UTF8.self)
        XCTAssertEqual(out, "a=3Db =C3=A9\r\nend=20\r\n")
        let long = String(decoding: QuotedPrintable.encode(ArraySlice(Array(String(repeating: "x", count: 100).utf8))), as: UTF8.self)
        XCTAssertTrue(long.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        XCTAssertTrue(long.contains("=\r\n"))
    }

    func testEncodedBodyDecodesBackToTheOriginal() {
        let body = Array("caf\u{e9} = 100%\t\r\n".utf8) + Array(String(repeating: "\u{fc}", count: 60).utf8) + [0x0D, 0x0A]
        let encoded = QuotedPrintable.encode(ArraySlice(body))
        XCTAssertFalse(encoded.contains { $0 >= 0x80 }, "the encoding is 7-bit")
        XCTAssertEqual(TransferDecoding.quotedPrintable(ArraySlice(encoded)), body)
    }
}
