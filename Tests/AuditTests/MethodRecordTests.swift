// Tests for MethodRecord: the method ladder's part of a delivery record, from a MethodChoice to the
// stored JSON (stable keys and codes), back again, and as the Received-style clause and --json object.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class MethodRecordTests: XCTestCase {
    static let choice = MethodChoice(outcome: .method(.pgp), skips: [
        .noKey(.smime), .noSTARTTLS(host: "mx1.example.net"),
    ])
    static let encryption = EncryptionFacts(method: .pgp, keyID: "0x0123456789ABCDEF", cipher: "aes-256")

    func testFromAChoiceWithItsCodesAndReasons() {
        let record = MethodRecord(Self.choice, encryption: Self.encryption)
        XCTAssertEqual(record.method, "pgp")
        XCTAssertNil(record.otherwise)
        XCTAssertEqual(record.skipped.map(\.code), ["no-key", "no-starttls"])
        XCTAssertEqual(record.skipped.map(\.method), ["smime", "tls"])
        XCTAssertEqual(record.skipped.map(\.reason), ["smime: no certificate on file", "tls: mx1.example.net offered no STARTTLS"])
        XCTAssertEqual(MethodRecord(MethodChoice(outcome: .deferred, fallback: .portal, skips: [.portalNotConfigured]),
                                    encryption: nil).method, "none")
    }

    func testStoredFormIsPinnedAndRoundTrips() throws {
        let event = AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("bob@partner.example"), attempt: 1,
                                 outcome: .delivered, method: MethodRecord(Self.choice, encryption: Self.encryption))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(event), as: UTF8.self)
        XCTAssertTrue(json.contains(#""method":{"encryption":{"cipher":"aes-256","key_id":"0x0123456789ABCDEF","method":"pgp"},"#
                                    + #""method":"pgp","skipped":[{"code":"no-key","method":"smime","reason":"smime: no certificate on file"}"#),
                      json)
        let back = try JSONDecoder().decode(AttemptEvent.self, from: Data(json.utf8))
        XCTAssertEqual(back, event)
        // A record written before the ladder (no `method`) still decodes, with none.
        let old = try JSONDecoder().decode(AttemptEvent.self, from: Data(
            #"{"queue_id":"\#(Fixture.queueID.value)","recipient":"bob@partner.example","attempt":1}"#.utf8))
        XCTAssertNil(old.method)
    }

    func testReceivedStyleClauseAndJSONObject() throws {
        let record = MethodRecord(MethodChoice(outcome: .method(.portal), fallback: .portal, skips: [.noKey(.smime)]), encryption: nil)
        XCTAssertEqual(record.clause, #"method=portal otherwise=portal skipped="smime: no certificate on file""#)
        XCTAssertEqual(MethodRecord(Self.choice, encryption: Self.encryption).clause,
                       #"method=pgp (key 0x0123456789ABCDEF aes-256) skipped="smime: no certificate on file; tls: mx1.example.net offered no STARTTLS""#)
        let object = AuditRendering.methodObject(record)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        XCTAssertEqual(String(decoding: data, as: UTF8.self),
                       #"{"encryption":null,"method":"portal","otherwise":"portal","skipped":[{"code":"no-key","method":"smime","reason":"smime: no certificate on file"}]}"#)
    }
}
