// Replays the dns-answer fuzz corpus (Tests/Fuzz/Corpus/dns-answer: wire responses and raw RDATA)
// through the fuzzer's own entry logic, without sanitizers: an input that once crashed stays fixed.

import XCTest
@testable import DNS
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testWireAnswersParseThroughLDNSAndRecordData() throws {
        let inputs = try FuzzCorpus.inputs("dns-answer")
        XCTAssertGreaterThan(inputs.count, 8)
        for input in inputs {
            let outcome = DNSAnswerFuzzEntry.run(input.bytes)
            XCTAssertEqual(outcome.wire, !input.name.hasPrefix("raw-"), input.name)
            XCTAssertEqual(outcome.parsed, outcome.records, "\(input.name): a record of the seed did not parse")
        }
    }

    func testTheWirePathReadsTheMXAnswer() throws {
        let mx = try XCTUnwrap(try FuzzCorpus.inputs("dns-answer").first { $0.name == "mx" })
        let response = try XCTUnwrap(LDNSExchange.response(wire: mx.bytes))
        XCTAssertTrue(response.authenticated)
        let hosts = try response.answer.map { try RecordData.mx($0.rdata).host }
        XCTAssertEqual(hosts, ["mx1.example.com", "mx2.example.com"])
        XCTAssertNil(LDNSExchange.response(wire: Array(mx.bytes.prefix(5))))
    }
}
