// Tests for the outbound DATA encoder: leading dots are doubled, line ends become CRLF, and the
// payload always ends with exactly one CRLF.CRLF.

import XCTest
@testable import SMTPProtocol

final class ClientDotStufferTests: XCTestCase {
    func enc(_ s: String) -> String { String(decoding: ClientDotStuffer.encode(Array(s.utf8)), as: UTF8.self) }

    func testStuffsLeadingDots() {
        XCTAssertEqual(enc("a\r\n.b\r\n..c\r\n.\r\nd.e\r\n"), "a\r\n..b\r\n...c\r\n..\r\nd.e\r\n.\r\n")
        XCTAssertEqual(enc(".first\r\n"), "..first\r\n.\r\n")
    }

    func testAddsMissingFinalCRLF() {
        XCTAssertEqual(enc("no newline"), "no newline\r\n.\r\n")
        XCTAssertEqual(enc(""), ".\r\n")
    }

    func testNormalisesBareLineEnds() {
        // A bare LF or CR must never reach the peer: that is the SMTP smuggling vector.
        XCTAssertEqual(enc("a\n.\nb\r.\rc"), "a\r\n..\r\nb\r\n..\r\nc\r\n.\r\n")
    }

    func testOutputNeverContainsEarlyTerminator() {
        let nasty = "x\r\n.\r\nMAIL FROM:<evil@x>\r\n\n.\n\r.\r"
        let out = Array(enc(nasty).utf8)
        let term = Array("\r\n.\r\n".utf8)
        var hits = 0
        for i in 0...(out.count - term.count) where Array(out[i..<(i + term.count)]) == term { hits += 1 }
        XCTAssertEqual(hits, 1)
        XCTAssertEqual(Array(out.suffix(5)), term)
    }
}
