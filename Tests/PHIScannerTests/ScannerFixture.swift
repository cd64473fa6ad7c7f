// ScannerFixture: one shared PHIScanner for the tests (building it loads the dictionary) and small
// helpers to ask "which findings of this type came out of this text".

import Foundation
import MailCore
import TestSupport
import XCTest
@testable import PHIScanner

enum Fixture {
    /// The scanner's "today" (for date-of-birth plausibility): 2026-12-01 12:00 UTC, fixed.
    static let clock = TestClock(Date(timeIntervalSince1970: 1_796_126_400))
    static let scanner: PHIScanner? = try? PHIScanner(clock: clock)

    static func scanner(file: StaticString = #filePath, line: UInt = #line) throws -> PHIScanner {
        try XCTUnwrap(scanner, "the scanner failed to build", file: file, line: line)
    }

    static func findings(_ text: String, _ type: PHIType? = nil) throws -> [Finding] {
        let all = try scanner().scan(text: text, part: "1")
        return type.map { t in all.filter { $0.type == t } } ?? all
    }

    static func samples(_ text: String, _ type: PHIType) throws -> [String] {
        try findings(text, type).map(\.sample)
    }
}
