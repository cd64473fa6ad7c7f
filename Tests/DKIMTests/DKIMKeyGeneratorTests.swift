// DKIMKeyGenerator's DNS record: the TXT value (RFC 6376 §3.6.1, RFC 8463 §4.2) and the zone
// line whose quoted strings are at most 255 bytes and join back to the value.

@testable import DKIM
import Foundation
import MailCore
import XCTest

final class DKIMKeyGeneratorTests: XCTestCase {
    private func quotedStrings(_ line: String) -> [String] {
        line.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    func testRSAZoneLineIsSplitInto255ByteStrings() throws {
        let generated = try DKIMKeyGenerator.generate(algorithm: .rsa2048)
        XCTAssertGreaterThan(generated.dnsTXT.utf8.count, 255)
        let line = DKIMKeyGenerator.zoneLine(domain: DomainName("Example.ORG")!, selector: "S2026", txt: generated.dnsTXT)
        XCTAssertTrue(line.hasPrefix("s2026._domainkey.example.org. IN TXT \""), line)
        let strings = quotedStrings(line)
        XCTAssertEqual(strings.count, 2)
        XCTAssertTrue(strings.allSatisfy { $0.utf8.count <= 255 })
        XCTAssertEqual(strings.joined(), generated.dnsTXT)
    }

    func testEd25519RecordIsTheRaw32ByteKey() throws {
        let generated = try DKIMKeyGenerator.generate(algorithm: .ed25519)
        let p = try XCTUnwrap(generated.dnsTXT.components(separatedBy: "p=").last)
        XCTAssertEqual(Data(base64Encoded: p)?.count, 32)
        let line = DKIMKeyGenerator.zoneLine(domain: DomainName("example.org")!, selector: "ed", txt: generated.dnsTXT)
        XCTAssertEqual(line, "ed._domainkey.example.org. IN TXT \"\(generated.dnsTXT)\"")
    }

    func testIDNDomainUsesALabels() {
        XCTAssertEqual(DKIMKeyGenerator.recordName(domain: DomainName("bücher.example")!, selector: "s"),
                       "s._domainkey.xn--bcher-kva.example.")
    }

    func testEachGenerationIsANewKey() throws {
        XCTAssertNotEqual(try DKIMKeyGenerator.generate(algorithm: .ed25519).dnsTXT,
                          try DKIMKeyGenerator.generate(algorithm: .ed25519).dnsTXT)
    }
}
