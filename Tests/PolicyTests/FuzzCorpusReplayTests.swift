// Replays the policy fuzz corpus (Tests/Fuzz/Corpus/policy: the shipped and example policies)
// through the fuzzer's own entry logic, without sanitizers: an input that once crashed stays fixed.

import XCTest
import Policy
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testShippedPoliciesParseWithRules() throws {
        let inputs = try FuzzCorpus.inputs("policy")
        XCTAssertGreaterThan(inputs.count, 4)
        for input in inputs where !input.name.hasPrefix("list-") && !input.name.hasPrefix("found-") {  // found-: fuzzer finds
            let outcome = PolicyFuzzEntry.run(input.bytes)
            XCTAssertGreaterThan(outcome.rules, 0, input.name)
        }
        XCTAssertTrue(PolicyFuzzEntry.run(try XCTUnwrap(inputs.first { $0.name == "90-default.yaml" }).bytes).linked)
    }

    func testEveryCorpusFileRunsWithoutTrapping() throws {
        for input in try FuzzCorpus.inputs("policy") {
            _ = PolicyFuzzEntry.run(input.bytes)
        }
        XCTAssertGreaterThan(PolicyFuzzEntry.run(Array("rules: [".utf8)).diagnostics, 0)
    }
}
