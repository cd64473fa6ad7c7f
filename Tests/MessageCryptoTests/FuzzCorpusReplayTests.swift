// Replays the smime-input and pgp-input fuzz corpora (a certificate, an OpenPGP key) through the
// fuzzers' own entry logic, without sanitizers: an input that once crashed stays fixed.

import XCTest
import MessageCrypto
import TestSupport

final class FuzzCorpusReplayTests: XCTestCase {
    func testCertificateSeedsAreInspected() throws {
        let inputs = try FuzzCorpus.inputs("smime-input")
        let infos = inputs.map { SMIMEInputFuzzEntry.run($0.bytes) }
        XCTAssertEqual(infos.count, inputs.count)
        XCTAssertTrue(infos.allSatisfy { $0 != nil }, "every seed certificate parses")
        XCTAssertEqual(infos.first { $0?.addresses == ["fuzz@partner.example"] }??.isUsable, true)
        XCTAssertNil(SMIMEInputFuzzEntry.run(Array("-----BEGIN CERTIFICATE-----\nAAAA\n".utf8)))
    }

    func testKeySeedsAreInspected() throws {
        for input in try FuzzCorpus.inputs("pgp-input") {
            let info = try XCTUnwrap(PGPInputFuzzEntry.run(input.bytes), input.name)
            XCTAssertTrue(info.isUsable, "\(input.name): \(info.unusableReason ?? "")")
        }
        XCTAssertNil(PGPInputFuzzEntry.run([0x99, 0x00, 0x01]))
    }
}
