// Replays the config fuzz corpus (Tests/Fuzz/Corpus/config: the examples of docs/configuration.md)
// through the fuzzer's own entry logic, without sanitizers: an input that once crashed stays fixed.

import XCTest
import Gateway
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testConfigSeedsRunWithoutTrapping() throws {
        let inputs = try FuzzCorpus.inputs("config")
        XCTAssertGreaterThan(inputs.count, 5)
        let accepted = inputs.filter { ConfigFuzzEntry.run($0.bytes) }
        XCTAssertFalse(ConfigFuzzEntry.run(Array("listeners: [".utf8)))
        XCTAssertTrue(ConfigFuzzEntry.run([]), "an empty file is the defaults")
        XCTAssertLessThanOrEqual(accepted.count, inputs.count)
    }
}
