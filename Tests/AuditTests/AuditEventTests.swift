// AuditEventTests: the stable event names, the flat JSON coding of every event, and the pinned
// canonical encoding that auditors recompute hashes from.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class AuditEventTests: XCTestCase {
    func testEventNamesArePinned() throws {
        // These strings are stored in every record: changing one breaks old logs and auditors' queries.
        let attempt = AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("bob@partner.example"), attempt: 1)
        let events: [AuditEvent] = [try Fixture.accepted(), .deliveryAttempt(attempt), .delivered(attempt), .deferred(attempt),
                                    .bounced(attempt), Fixture.admin()]
        XCTAssertEqual(events.map(\.name), ["accepted", "delivery_attempt", "delivered", "deferred", "bounced", "admin_action"])
        XCTAssertEqual(Array(AuditEvent.allNames.prefix(events.count)), events.map(\.name), "the portal names follow (PortalEventTests)")
        XCTAssertEqual(AdminAction.allCases.map(\.rawValue), ["hold", "release", "delete", "flush", "show_body", "config_loaded",
                                                             "reload", "key_import", "key_remove", "user_add", "user_remove",
                                                             "token_add", "token_remove", "hold_add", "hold_remove", "prune"])
        XCTAssertEqual(Array(AuditEvent.allNames.suffix(2)), ["chain_heads", "audit_checkpoint"])
    }

    func testEveryEventRoundTripsThroughJSON() throws {
        let failedTLS = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256", bits: 128, algorithmBits: 128,
                                 verification: .failed(reason: "hostname mismatch"))
        let noneTLS = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128, algorithmBits: 128)
        let events: [AuditEvent] = [
            try Fixture.accepted(), try Fixture.delivered(), try Fixture.delivered(tls: failedTLS),
            try Fixture.delivered(tls: noneTLS), try Fixture.deferred(), Fixture.admin(), Fixture.admin(nil),
            .accepted(AcceptedEvent(queueID: Fixture.queueID, sender: nil, recipients: [try Fixture.address("δοκιμή@παράδειγμα.δοκιμή")],
                                    size: 1, client: Fixture.client())),
            .bounced(AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("x@y.example"), attempt: 9,
                                  status: EnhancedStatus(5, 4, 7), outcome: .bounced, reason: "message expired", delay: 432000)),
        ]
        for event in events {
            let data = try JSONEncoder().encode(event)
            XCTAssertEqual(try JSONDecoder().decode(AuditEvent.self, from: data), event)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            XCTAssertEqual(object["event"] as? String, event.name)
        }
    }

    func testUnknownEventNameIsRejected() {
        let json = Data(#"{"event":"teleported","queue_id":"0000000000000000BB"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(AuditEvent.self, from: json))
    }

    func testCanonicalEncodingIsPinned() throws {
        let (record, canonical) = try CanonicalRecord.seal(sequence: 1, time: Fixture.time, node: "gw1",
                                                           event: try Fixture.delivered(), previousHash: CanonicalRecord.genesisHash)
        let expected = #"{"event":{"attempt":1,"event":"delivered","outcome":"delivered","queue_id":"\#(Fixture.queueID)","#
            + #""recipient":"bob@partner.example","relay_host":"mx.partner.example","relay_ip":"127.0.0.7","relay_port":25,"#
            + #""reply":"250 2.0.0 Ok","status":"2.0.0","tls":{"algorithm_bits":256,"bits":256,"cipher":"TLS_AES_256_GCM_SHA384","#
            + #""peer_issuer":"Test CA","peer_subject":"mx.partner.example","trust":"pkix","verify":"OK","version":"TLSv1.3"}},"#
            + #""format":1,"node":"gw1","previous_hash":"\#(CanonicalRecord.genesisHash)","sequence":1,"#
            + #""time":"2026-11-23T10:00:00.000Z"}"#
        XCTAssertEqual(canonical, expected)
        XCTAssertEqual(record.hash, try externalSHA256(canonical) ?? record.hash)
        XCTAssertEqual(record.hash.count, 64)
    }

    func testTimesKeepMillisecondsAndRoundTrip() throws {
        let t = Date(timeIntervalSince1970: 1_795_428_000.1234)
        XCTAssertEqual(AuditTime.iso8601(t), "2026-11-23T10:00:00.123Z")
        XCTAssertEqual(AuditTime.parseISO8601("2026-11-23T10:00:00.123Z"), AuditTime.storedDate(t))
        XCTAssertEqual(AuditTime.iso8601(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(AuditTime.rfc5322(Date(timeIntervalSince1970: 951_782_400)), "Tue, 29 Feb 2000 00:00:00 +0000")
        XCTAssertEqual(AuditTime.rfc5322(Fixture.time), "Mon, 23 Nov 2026 10:00:00 +0000")
        XCTAssertNil(AuditTime.parseISO8601("2026-13-23T10:00:00.123Z"))
        XCTAssertNil(AuditTime.parseISO8601("2026-11-23 10:00:00"))
    }
}

/// sha256sum's answer for `text`, or nil when the tool is not installed.
func externalSHA256(_ text: String) throws -> String? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    p.standardInput = input; p.standardOutput = output
    try p.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
}
