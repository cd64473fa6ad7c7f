// Relaxed header and body canonicalisation (RFC 6376 §3.4.2, §3.4.4) over tricky inputs; the
// body cases are also checked byte for byte against dkimpy's own canonicaliser.

@testable import DKIM
import XCTest

final class RelaxedCanonicalizationTests: XCTestCase {
    private func header(_ text: String) -> String {
        String(decoding: RelaxedHeader.canonicalize(field: Array(text.utf8)), as: UTF8.self)
    }

    private func body(_ text: String) -> String {
        String(decoding: RelaxedBody.canonicalize(Array(text.utf8)), as: UTF8.self)
    }

    func testHeaderNameLowercasedAndColonSpacingRemoved() {
        XCTAssertEqual(header("SubJect \t:  Hello"), "subject:Hello\r\n")
    }

    func testFoldedHeaderIsUnfoldedAndWSPRunsFolded() {
        XCTAssertEqual(header("Subject: one\r\n \t two\t\tthree"), "subject:one two three\r\n")
        XCTAssertEqual(header("To: a@example.org,\r\n\tb@example.org"), "to:a@example.org, b@example.org\r\n")
    }

    func testHeaderTrailingWSPAndFoldedEmptyFirstLine() {
        XCTAssertEqual(header("Subject: hi  \t "), "subject:hi\r\n")
        XCTAssertEqual(header("Subject:\r\n value"), "subject:value\r\n")
        XCTAssertEqual(header("X-Empty:"), "x-empty:\r\n")
        XCTAssertEqual(header("X-Empty:   \r\n  "), "x-empty:\r\n")
    }

    func testRFC6376Example() {
        // RFC 6376 §3.4.5: "A: X" / "B : Y\t\r\n\tZ  " relaxed to "a:X" / "b:Y Z".
        XCTAssertEqual(header("A: X"), "a:X\r\n")
        XCTAssertEqual(header("B : Y\t\r\n\tZ  "), "b:Y Z\r\n")
        XCTAssertEqual(body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n")
    }

    func testEmptyBodyAndOnlyCRLFsAreEmpty() {
        XCTAssertEqual(body(""), "")
        XCTAssertEqual(body("\r\n"), "")
        XCTAssertEqual(body("\r\n\r\n\r\n"), "")
        XCTAssertEqual(body("  \r\n\t\r\n"), "")
    }

    func testTrailingEmptyLinesRemovedButInnerKept() {
        XCTAssertEqual(body("a\r\n\r\nb\r\n\r\n\r\n"), "a\r\n\r\nb\r\n")
    }

    func testNoFinalCRLFGetsOne() {
        XCTAssertEqual(body("last line"), "last line\r\n")
        XCTAssertEqual(body("a\r\nlast"), "a\r\nlast\r\n")
    }

    func testTabsAndTrailingWSP() {
        XCTAssertEqual(body("\tindented\t\r\nx  y \r\n"), " indented\r\nx y\r\n")
    }

    func testBodiesAgreeWithDkimpy() throws {
        let dir = try TempDir()
        let cases = ["", "\r\n", "\r\n\r\n", "  \r\n", "abc", "abc  ", "   ", "\r\n   ", "a \t b\t\r\n\r\n",
                     " C \r\nD \t E\r\n\r\n\r\n", "line\r\n\r\n \r\nend\r\n\t\r\n", "x\ty  z\r\n", "a\r\n\r\n"]
        let theirs = try Oracle.canonicalBodies(cases.map { Array($0.utf8) }, in: dir)
        XCTAssertEqual(theirs.count, cases.count)
        for (text, expected) in zip(cases, theirs) {
            XCTAssertEqual(RelaxedBody.canonicalize(Array(text.utf8)), expected, "body \(text.debugDescription)")
        }
    }

    func testSplitterKeepsFoldingAndFindsBody() {
        let message = Array("From: a@example.org\r\nSubject: one\r\n two\r\n\r\nbody\r\n".utf8)
        let split = MessageSplitter.split(message)
        XCTAssertEqual(split.headers.map(\.name), ["From", "Subject"])
        XCTAssertEqual(String(decoding: split.headers[1].raw, as: UTF8.self), "Subject: one\r\n two")
        XCTAssertEqual(String(decoding: split.body, as: UTF8.self), "body\r\n")
    }

    func testSplitterWithoutBody() {
        let split = MessageSplitter.split(Array("From: a@example.org\r\n".utf8))
        XCTAssertEqual(split.headers.count, 1)
        XCTAssertTrue(split.body.isEmpty)
    }

    func testBareLineEndingsAreFound() {
        XCTAssertNil(MessageSplitter.firstBareLineEnding(Array("a\r\nb\r\n".utf8)))
        XCTAssertEqual(MessageSplitter.firstBareLineEnding(Array("a\r\nb\nc".utf8)), 4)
        XCTAssertEqual(MessageSplitter.firstBareLineEnding(Array("a\rb".utf8)), 1)
    }
}
