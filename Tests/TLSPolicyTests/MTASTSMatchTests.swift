// Tests for MTASTSPolicy.allows (RFC 8461 §4.1): exact names, single-label wildcards, case and dots.
// Pure: no network, no files.
import XCTest
import TLSPolicy

final class MTASTSMatchTests: XCTestCase {
    private let policy = MTASTSPolicy(mode: .enforce, mx: ["mail.example.com", "*.example.net"], maxAge: 86400)

    func testExactNameCaseInsensitiveAndTrailingDot() {
        XCTAssertTrue(policy.allows(mxHost: "mail.example.com"))
        XCTAssertTrue(policy.allows(mxHost: "MAIL.Example.COM."))
        XCTAssertFalse(policy.allows(mxHost: "mail2.example.com"))
        XCTAssertFalse(policy.allows(mxHost: "x.mail.example.com"))
        XCTAssertFalse(policy.allows(mxHost: ""))
    }

    func testWildcardCoversExactlyOneLabel() {
        XCTAssertTrue(policy.allows(mxHost: "a.example.net"))
        XCTAssertTrue(policy.allows(mxHost: "MX1.EXAMPLE.NET."))
        XCTAssertFalse(policy.allows(mxHost: "example.net"))
        XCTAssertFalse(policy.allows(mxHost: "a.b.example.net"))
        XCTAssertFalse(policy.allows(mxHost: ".example.net"))
        XCTAssertFalse(policy.allows(mxHost: "aexample.net"))
    }

    func testPatternsFromTheWireAreNormalised() {
        let p = MTASTSPolicy(mode: .testing, mx: ["*.Example.ORG."], maxAge: 1)
        XCTAssertTrue(p.allows(mxHost: "mx.example.org"))
    }

    func testNoPatternsAllowNothing() {
        XCTAssertFalse(MTASTSPolicy(mode: .none, mx: [], maxAge: 1).allows(mxHost: "mail.example.com"))
    }
}
