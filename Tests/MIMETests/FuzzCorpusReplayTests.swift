// Replays the mime fuzz corpus (Tests/Fuzz/Corpus/mime) through the fuzzer's own entry logic,
// without sanitizers: an input that once crashed stays fixed.

import XCTest
import MIME
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testEveryCorpusMessageParsesAndDecodes() throws {
        let inputs = try FuzzCorpus.inputs("mime")
        XCTAssertGreaterThan(inputs.count, 10)
        var texts = 0
        for input in inputs {
            let outcome = MIMEFuzzEntry.run(input.bytes)
            XCTAssertGreaterThan(outcome.parts, 0, input.name)
            texts += outcome.texts
        }
        XCTAssertGreaterThan(texts, inputs.count / 2, "most seeds should yield text to scan")
    }

    func testTheNestedSeedKeepsItsEncryptedPartUninspected() throws {
        let nested = try XCTUnwrap(try FuzzCorpus.inputs("mime").first { $0.name == "nested.eml" })
        let outcome = MIMEFuzzEntry.run(nested.bytes)
        XCTAssertGreaterThanOrEqual(outcome.parts, 6)
        XCTAssertGreaterThanOrEqual(outcome.uninspected, 1)
    }
}
