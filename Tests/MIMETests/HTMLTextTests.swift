// Tests for HTML text extraction: tags, comments, script/style, entities (named, decimal, hex),
// block versus inline tags, and the obfuscations detectors must see through.

import XCTest
@testable import MIME

final class HTMLTextTests: XCTestCase {
    func testObfuscatedDigits() {
        XCTAssertEqual(HTMLText.extract("123&#45;45&#45;6789"), "123-45-6789")
        XCTAssertEqual(HTMLText.extract("<b>123</b>-45-6789"), "123-45-6789")
        XCTAssertEqual(HTMLText.extract("1<span style=\"x\">2</span>3&#x2D;45&hyphen;6789"), "123-45\u{2010}6789")
        XCTAssertEqual(HTMLText.extract("123<!-- hidden 999-99-9999 -->-45&shy;-6789"), "123-45-6789")
        XCTAssertEqual(HTMLText.extract("123&#8203;-45-6789"), "123-45-6789")
    }

    func testBlocksBecomeLinesAndWhitespaceCollapses() {
        let html = """
            <html><head><title>Lab results</title><style>p { color: red }</style>
            <script>var ssn = "000-00-0000";</script></head>
            <body><p>Patient:   Jos&eacute;
            Garc&iacute;a</p><div>MRN&nbsp;12345<br>DOB 01/02/1960</div>
            <table><tr><td>a</td><td>b</td></tr></table></body></html>
            """
        XCTAssertEqual(HTMLText.extract(html), "Lab results\nPatient: Jos\u{e9} Garc\u{ed}a\nMRN 12345\nDOB 01/02/1960\na b\n")
    }

    func testEntitiesAndOddMarkup() {
        XCTAssertEqual(HTMLText.extract("a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &copy; &unknown; &#0; &#128;"),
                       "a < b && c > d \"q\" \u{a9} &unknown; \u{FFFD} \u{20AC}")
        XCTAssertEqual(HTMLText.extract("1 < 2 and 3<4"), "1 < 2 and 3<4")
        XCTAssertEqual(HTMLText.extract("<a href='x>y' title=\"a>b\">link</a> text"), "link text")
        XCTAssertEqual(HTMLText.extract("<SCRIPT>alert(1)</ScRiPt >after"), "after")
        XCTAssertEqual(HTMLText.extract("x<!DOCTYPE html><?xml version=\"1.0\"?>y"), "xy")
        XCTAssertEqual(HTMLText.extract("&#99999999999999; &#x110000; &amp"), "\u{FFFD} \u{FFFD} &")
    }

    func testUnterminatedMarkupNeverCrashes() {
        for s in ["<", "<b", "<!--", "<!-- x", "<a href=\"", "&", "&#", "&#x", "<script>", "</", "<p", "<!"] {
            _ = HTMLText.extract(s)
        }
        XCTAssertEqual(HTMLText.extract("ok <!-- never closed"), "ok")
    }

    func testEntityTableCoversLatin1() {
        XCTAssertEqual(HTMLEntities.named["nbsp"], 0xA0)
        XCTAssertEqual(HTMLEntities.named["yuml"], 0xFF)
        XCTAssertEqual(HTMLEntities.named["times"], 0xD7)
    }
}
