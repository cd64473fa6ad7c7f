// Tests for Content-Type and Content-Disposition parsing: quoting, case, defaults, and RFC 2231
// continuations and charset-encoded values.

import XCTest
@testable import MIME

final class ContentTypeTests: XCTestCase {
    func testTypeSubtypeAndParameters() {
        let t = ContentType.parse("Multipart/Mixed; Boundary=\"=_Part 1;x\"; CHARSET=utf-8 (comment-free)")
        XCTAssertEqual(t.mimeType, "multipart/mixed")
        XCTAssertEqual(t.parameters["boundary"], "=_Part 1;x")
        XCTAssertEqual(t.parameters["charset"], "utf-8 (comment-free)")
        XCTAssertEqual(ContentType.parse("text/html;charset=\"a\\\"b\"").parameters["charset"], "a\"b")
        XCTAssertEqual(ContentType.parse(" text / plain ").mimeType, "text/plain")
        XCTAssertEqual(ContentType.parse("multipart/mixed boundary=abc").parameters["boundary"], "abc")
    }

    func testInvalidValuesAreTextPlain() {
        for value in ["", "garbage", "/", "text/", "te xt/plain", "text/pl\"ain"] {
            XCTAssertEqual(ContentType.parse(value).mimeType, "text/plain", value)
        }
        XCTAssertEqual(ContentType.parse("text; charset=latin1").charset, "latin1")
    }

    func testRFC2231ContinuationsAndCharset() {
        let t = ContentType.parse("application/pdf; name*0*=UTF-8''Jos%C3%A9%20; name*1=\"Garcia \"; name*2*=%E2%82%AC.pdf")
        XCTAssertEqual(t.parameters["name"], "Jos\u{e9} Garcia \u{20AC}.pdf")
        let d = ContentDisposition.parse("attachment; filename=\"fallback.pdf\"; filename*=iso-8859-1'en'r%E9sum%E9.pdf")
        XCTAssertTrue(d.isAttachment)
        XCTAssertEqual(d.parameters["filename"], "r\u{e9}sum\u{e9}.pdf")
        // Sections out of order are put in order.
        XCTAssertEqual(ContentType.parse("text/plain; x*1=b; x*0=a").parameters["x"], "ab")
    }
}
