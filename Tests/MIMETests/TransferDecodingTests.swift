// Tests for base64 and quoted-printable decoding: junk tolerance, padding, and QP soft line breaks
// that split an identifier.

import XCTest
@testable import MIME

final class TransferDecodingTests: XCTestCase {
    func b64(_ s: String) -> String { String(decoding: TransferDecoding.base64(Array(s.utf8)[...]), as: UTF8.self) }
    func qp(_ s: String) -> String { String(decoding: TransferDecoding.quotedPrintable(Array(s.utf8)[...]), as: UTF8.self) }

    func testBase64WithLineBreaksPaddingAndJunk() {
        XCTAssertEqual(b64("U1NOOiAxMjMt\r\nNDUtNjc4OQ=="), "SSN: 123-45-6789")
        XCTAssertEqual(b64("TWE="), "Ma")
        XCTAssertEqual(b64("TQ=="), "M")
        XCTAssertEqual(b64("TWFu"), "Man")
        XCTAssertEqual(b64("TW!!Fu\u{7}"), "Man")           // junk skipped
        XCTAssertEqual(b64("TQ==TWE="), "MMa")              // concatenated blobs
        XCTAssertEqual(b64("TWE"), "Ma")                    // missing padding
        XCTAssertEqual(b64(""), "")
        XCTAssertEqual(TransferDecoding.base64Counting(Array("@@@###".utf8)[...]).junk, 6)
    }

    func testQuotedPrintableSoftBreakSplittingAnSSN() {
        XCTAssertEqual(qp("SSN 123-4=\r\n5-6789 ok"), "SSN 123-45-6789 ok")
        XCTAssertEqual(qp("123-4= \t\r\n5-6789"), "123-45-6789")     // blanks before the break
        XCTAssertEqual(qp("123-4=\n5-6789"), "123-45-6789")           // bare LF
        XCTAssertEqual(qp("caf=C3=A9 =3D =e9"), "caf\u{e9} = \u{FFFD}")
        XCTAssertEqual(qp("a=ZZb = c="), "a=ZZb = c")                  // literal "=", trailing "=" dropped
        XCTAssertEqual(qp("line1\r\nline2"), "line1\r\nline2")
        XCTAssertEqual(qp("=4"), "=4")
        XCTAssertEqual(qp(""), "")
    }
}
