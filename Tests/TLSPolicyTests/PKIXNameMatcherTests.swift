// PKIXNameMatcher: RFC 6125 reference-identifier rules on names and on real certificates
// (SAN dNSName first, CN only without a dNSName SAN, wildcards as a whole left-most label).

import XCTest
@testable import TLSPolicy

final class PKIXNameMatcherTests: XCTestCase {
    func testWildcardCoversExactlyOneLabel() {
        XCTAssertTrue(PKIXNameMatcher.matches(pattern: "*.example.com", name: "a.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*.example.com", name: "example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*.example.com", name: "a.b.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*.example.com", name: ".example.com"))
    }

    func testWildcardOnlyAsTheWholeLeftMostLabel() {
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "f*.example.com", name: "foo.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "a.*.example.com", name: "a.b.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*.com", name: "example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*", name: "example"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "*.example.com", name: "*.example.com"))
    }

    func testCaseAndTrailingDotAreIgnored() {
        XCTAssertTrue(PKIXNameMatcher.matches(pattern: "MX.Example.COM", name: "mx.example.com."))
        XCTAssertTrue(PKIXNameMatcher.matches(pattern: "*.EXAMPLE.com.", name: "Mail.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(pattern: "mx.example.com", name: "mx.example.org"))
    }

    func testCertificateSANs() throws {
        let der = try DANETestPKI.makeLeaf(commonName: "cn.example.com", dnsNames: ["*.example.com", "mx.other.test"], issuer: nil)
        XCTAssertTrue(PKIXNameMatcher.matches(certificateDER: der, name: "a.example.com"))
        XCTAssertTrue(PKIXNameMatcher.matches(certificateDER: der, name: "MX.other.test"))
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: der, name: "example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: der, name: "a.b.example.com"))
    }

    func testCommonNameOnlyWithoutDNSNameSAN() throws {
        let withSAN = try DANETestPKI.makeLeaf(commonName: "cn.example.com", dnsNames: ["san.example.com"], issuer: nil)
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: withSAN, name: "cn.example.com"))
        let cnOnly = try DANETestPKI.makeLeaf(commonName: "cn.example.com", dnsNames: [], issuer: nil)
        XCTAssertTrue(PKIXNameMatcher.matches(certificateDER: cnOnly, name: "cn.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: cnOnly, name: "san.example.com"))
    }

    func testGarbageMatchesNothing() {
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: [0x30, 0x03, 0x01, 0x01, 0xff], name: "a.example.com"))
        XCTAssertFalse(PKIXNameMatcher.matches(certificateDER: [], name: "a.example.com"))
    }
}
