// DomainTLSLevels: exact names beat wildcards, "*.gov" covers subdomains only, the longest
// wildcard wins, and names compare case-insensitively without a trailing dot.

import MailCore
import XCTest
import TLSPolicy

final class DomainTLSLevelsTests: XCTestCase {
    let levels = DomainTLSLevels(default: .may, domains: [
        "partner.example": .verify,
        "*.gov": .dane,
        "*.health.gov": .daneOnly,
        "cdc.gov": .secure,
        "Upper.Example.": .encrypt,
    ])

    func testExactName() {
        XCTAssertEqual(levels.level(for: "partner.example"), .verify)
        XCTAssertEqual(levels.level(for: "sub.partner.example"), .may, "an exact entry does not cover subdomains")
    }

    func testWildcardCoversSubdomainsNotTheParent() {
        XCTAssertEqual(levels.level(for: "nih.gov"), .dane)
        XCTAssertEqual(levels.level(for: "a.b.nih.gov"), .dane)
        XCTAssertEqual(levels.level(for: "gov"), .may)
        XCTAssertEqual(levels.level(for: "notgov"), .may)
        XCTAssertEqual(levels.level(for: "xgov"), .may)
    }

    func testExactBeatsWildcardAndLongestWildcardWins() {
        XCTAssertEqual(levels.level(for: "cdc.gov"), .secure)
        XCTAssertEqual(levels.level(for: "mail.cdc.gov"), .dane)
        XCTAssertEqual(levels.level(for: "va.health.gov"), .daneOnly)
        XCTAssertEqual(levels.level(for: "health.gov"), .dane)
    }

    func testCaseAndTrailingDot() {
        XCTAssertEqual(levels.level(for: "PARTNER.example."), .verify)
        XCTAssertEqual(levels.level(for: "upper.example"), .encrypt)
        XCTAssertEqual(levels.level(for: "NIH.GOV."), .dane)
    }

    func testDefault() {
        XCTAssertEqual(levels.level(for: "random.test"), .may)
        XCTAssertEqual(DomainTLSLevels(default: .encrypt, domains: [:]).level(for: "x.test"), .encrypt)
    }
}
