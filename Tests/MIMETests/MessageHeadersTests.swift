// Tests for the header parser: splitting header from body, unfolding, case-insensitive lookup.

import XCTest
@testable import MIME

final class MessageHeadersTests: XCTestCase {
    let message = Array(("Received: from a\r\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
        + "From: Alice <alice@example.org>\r\nTO: bob@example.net,\r\n  carol@example.net\r\n"
        + "Subject: test\r\nX-Empty:\r\n\r\nbody line 1\r\n\r\nbody: not a header\r\n").utf8)

    func testSplitsAtFirstEmptyLine() {
        let split = MessageSplit(message)
        XCTAssertEqual(String(decoding: split.body, as: UTF8.self), "body line 1\r\n\r\nbody: not a header\r\n")
        XCTAssertTrue(String(decoding: split.header, as: UTF8.self).hasSuffix("X-Empty:\r\n"))
    }

    func testUnfoldsAndLooksUpCaseInsensitively() {
        let h = MessageHeaders(parsing: message)
        XCTAssertEqual(h.fields.count, 5)
        XCTAssertEqual(h["to"], "bob@example.net,  carol@example.net")
        XCTAssertEqual(h["RECEIVED"], "from a\tby b; Mon, 1 Jan 2024 00:00:00 +0000")
        XCTAssertEqual(h["x-empty"], "")
        XCTAssertNil(h["body"])
        XCTAssertEqual(h.values("from"), ["Alice <alice@example.org>"])
    }

    func testBareLFAndNoBody() {
        let m = Array("A: 1\nB: 2\n continued\n".utf8)
        let split = MessageSplit(m)
        XCTAssertTrue(split.body.isEmpty)
        let h = MessageHeaders(parsing: m)
        XCTAssertEqual(h["b"], "2 continued")
        XCTAssertEqual(h.values("a"), ["1"])
    }

    func testDateRoundTrip() {
        let d = Date(timeIntervalSince1970: 1_800_000_000)
        let text = RFC5322Date.format(d)
        XCTAssertEqual(text, "Fri, 15 Jan 2027 08:00:00 +0000")
        XCTAssertEqual(RFC5322Date.parse(text), d)
    }
}
