// CRLFCanonicalTests: the canonical CRLF form signing and encryption hand to OpenSSL.

import MessageCrypto
import XCTest

final class CRLFCanonicalTests: XCTestCase {
    func testBareLFAndBareCRBecomeCRLFAndCRLFStays() {
        XCTAssertEqual(CRLFCanonical.form(of: Array("a\nb\r\nc\rd\r\n\r\n\n".utf8)), Array("a\r\nb\r\nc\r\nd\r\n\r\n\r\n".utf8))
    }

    func testOtherBytesAreUntouched() {
        let bytes: [UInt8] = Array(0...255).filter { $0 != 0x0A && $0 != 0x0D }
        XCTAssertEqual(CRLFCanonical.form(of: bytes), bytes)
        XCTAssertEqual(CRLFCanonical.form(of: []), [])
        XCTAssertEqual(CRLFCanonical.form(of: [0x0D]), [0x0D, 0x0A])
    }
}
