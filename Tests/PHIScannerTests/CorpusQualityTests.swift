// CorpusQualityTests: scans every message of the committed corpus (scripts/phi-corpus) and holds
// precision >= 0.97 and recall >= 0.95 per PHI type against its labels; prints the table.

import Foundation
import MailCore
import XCTest
@testable import PHIScanner

final class CorpusQualityTests: XCTestCase {
    struct Counts { var tp = 0, fp = 0, fn = 0 }

    /// The comparison key: identifiers by their last four kept characters; ICD-10 codes and terms
    /// (masked to a chapter letter or category) by type and part only.
    static func key(_ type: String, _ part: String, _ last4: String) -> String {
        type == "icd10" || type == "health_term" ? "\(type)|\(part)" : "\(type)|\(part)|\(last4)"
    }

    func testPrecisionAndRecallPerType() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "corpus", withExtension: "jsonl", subdirectory: "Corpus"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 1000)
        let scanner = try Fixture.scanner()
        var counts: [String: Counts] = [:]
        var misses: [String] = []
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let eml = try XCTUnwrap(object["eml"] as? String)
            let bytes = eml.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }   // ISO-8859-1 code points
            var expected: [String: Int] = [:]
            for label in try XCTUnwrap(object["labels"] as? [[String: String]]) {
                let k = Self.key(label["type"] ?? "", label["part"] ?? "", label["value_last4"] ?? "")
                expected[k, default: 0] += 1
            }
            for f in scanner.scan(message: bytes).findings {
                let k = Self.key(f.type.rawValue, f.part, String(f.sample.suffix(4)))
                if let n = expected[k], n > 0 {
                    expected[k] = n - 1
                    counts[f.type.rawValue, default: Counts()].tp += 1
                } else {
                    counts[f.type.rawValue, default: Counts()].fp += 1
                    misses.append("\(object["id"] ?? "?") false positive \(k)")
                }
            }
            for (k, n) in expected where n > 0 {
                let type = String(k.split(separator: "|")[0])
                counts[type, default: Counts()].fn += n
                misses.append("\(object["id"] ?? "?") missed \(n) x \(k)")
            }
        }
        print("type          TP    FP    FN  precision  recall")
        for type in PHIType.allCases.map(\.rawValue) {
            let c = counts[type] ?? Counts()
            let precision = c.tp + c.fp == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fp)
            let recall = c.tp + c.fn == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fn)
            let name = type.padding(toLength: 12, withPad: " ", startingAt: 0)
            print(name + String(format: " %5d %5d %5d  %9.3f  %6.3f", c.tp, c.fp, c.fn, precision, recall))
            XCTAssertGreaterThan(c.tp, 0, "\(type): no labelled instance found at all")
            XCTAssertGreaterThanOrEqual(precision, 0.97, type)
            XCTAssertGreaterThanOrEqual(recall, 0.95, type)
        }
        for m in misses.prefix(40) { print(m) }
    }
}
