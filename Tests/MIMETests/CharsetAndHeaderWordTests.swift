// Tests for charset decoding (UTF-8, Latin-1, Windows-1252 smart quotes, ISO-8859-15, bad bytes)
// and RFC 2047 encoded-words (B and Q, adjacent words, split multi-byte characters).

import XCTest
@testable import MIME

final class CharsetAndHeaderWordTests: XCTestCase {
    func testWindows1252SmartQuotesAndDashes() {
        let bytes: [UInt8] = [0x93, 0x68, 0x69, 0x94, 0x20, 0x31, 0x32, 0x33, 0x96, 0x34, 0x35, 0x20, 0x80]
        XCTAssertEqual(Charsets.decode(bytes, charset: "windows-1252"), "\u{201C}hi\u{201D} 123\u{2013}45 \u{20AC}")
        XCTAssertEqual(Charsets.decode(bytes, charset: "CP1252"), "\u{201C}hi\u{201D} 123\u{2013}45 \u{20AC}")
        // Labelled Latin-1 but written by Windows: read as 1252, as mail clients do.
        XCTAssertEqual(Charsets.decode([0x93, 0x41, 0x94], charset: "ISO-8859-1"), "\u{201C}A\u{201D}")
    }

    func testLatin1AndLatin9() {
        XCTAssertEqual(Charsets.decode([0x4A, 0x6F, 0x73, 0xE9, 0x20, 0xFC, 0xDF], charset: "latin1"), "Jos\u{e9} \u{fc}\u{df}")
        XCTAssertEqual(Charsets.decode([0xA4, 0xE9], charset: "iso-8859-15"), "\u{20AC}\u{e9}")
        XCTAssertEqual(Charsets.decode([0xA4], charset: "\"iso-8859-1\""), "\u{a4}")
    }

    func testUTF8BadBytesAndUnknownLabels() {
        XCTAssertEqual(Charsets.decode([0x61, 0xFF, 0x62], charset: "utf-8"), "a\u{FFFD}b")
        XCTAssertEqual(Charsets.decode(Array("caf\u{e9}".utf8), charset: "x-unknown"), "caf\u{e9}")
        XCTAssertEqual(Charsets.decode([0x63, 0xE9], charset: "x-unknown"), "c\u{e9}")        // not UTF-8: 1252
        XCTAssertEqual(Charsets.decode([0x63, 0xE9], charset: nil), "c\u{e9}")
        XCTAssertEqual(Charsets.decode(Array("na\u{ef}ve".utf8), charset: "us-ascii"), "na\u{ef}ve")
        XCTAssertEqual(Charsets.decode([0xFF, 0xFE, 0x41, 0x00], charset: "utf-16"), "A")
        XCTAssertEqual(Charsets.decode([], charset: "utf-8"), "")
    }

    func testEncodedWordsBAndQ() {
        XCTAssertEqual(RFC2047.decode("=?UTF-8?B?UGF0aWVudDogSm9zw6k=?="), "Patient: Jos\u{e9}")
        XCTAssertEqual(RFC2047.decode("=?ISO-8859-1?Q?Jos=E9_Garc=EDa?= <jose@example.org>"),
                       "Jos\u{e9} Garc\u{ed}a <jose@example.org>")
        XCTAssertEqual(RFC2047.decode("Re: =?utf-8?q?caf=C3=A9?= today"), "Re: caf\u{e9} today")
        XCTAssertEqual(RFC2047.decode("=?utf-8*en?Q?hello?="), "hello")                 // RFC 2231 language
    }

    func testAdjacentEncodedWordsJoinWithoutWhitespace() {
        XCTAssertEqual(RFC2047.decode("=?UTF-8?Q?SSN_123-?= =?UTF-8?Q?45-6789?="), "SSN 123-45-6789")
        XCTAssertEqual(RFC2047.decode("=?UTF-8?B?MTIz?=\r\n =?ISO-8859-1?Q?-45-6789?="), "123-45-6789")
        // A multi-byte character split across two words still decodes.
        XCTAssertEqual(RFC2047.decode("=?UTF-8?B?Sm9zw6k=?= =?UTF-8?Q?_=C3?= =?UTF-8?Q?=A9?="), "Jos\u{e9} \u{e9}")
        // Ordinary text between words keeps its spaces.
        XCTAssertEqual(RFC2047.decode("=?UTF-8?Q?a?= and =?UTF-8?Q?b?="), "a and b")
    }

    func testMalformedEncodedWordsStayAsWritten() {
        for s in ["=?", "=?utf-8?", "=?utf-8?X?abc?=", "=?utf-8?Q?no end", "=??Q?x?=", "plain = ?text", "=?utf-8?Q?a b?="] {
            XCTAssertEqual(RFC2047.decode(s), s)
        }
    }
}
