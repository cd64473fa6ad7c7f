// Replays the mta-sts fuzz corpus (Tests/Fuzz/Corpus/mta-sts) through the fuzzer's own entry
// logic, without sanitizers: an input that once crashed stays fixed.

import XCTest
import TLSPolicy
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testPolicySeedsParseOrFailWithALine() throws {
        let inputs = try FuzzCorpus.inputs("mta-sts")
        let names = Dictionary(uniqueKeysWithValues: inputs.map { ($0.name, MTASTSFuzzEntry.run($0.bytes)) })
        XCTAssertTrue(names.values.allSatisfy { ($0.policy == nil) != ($0.error == nil) }, "a policy or an error, never both")
        XCTAssertEqual(names["enforce"]?.policy?.mode, .enforce)
        XCTAssertEqual(names["found-max-age-zero"]?.policy?.maxAge, 0, "RFC 8461: max_age is non-negative")
        XCTAssertEqual(names["bad"]?.error?.line, 3)
        XCTAssertEqual(names["record"]?.recordID, "20160831085700Z")
    }
}
