// The portal's audit events: their stable names, the flat JSON coding (round trip, the pinned canonical
// form), the renderings, the recipient and queue-id columns, and that no field can hold content.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class PortalEventTests: XCTestCase {
    static let portalID = "abcdefghijklmnopqrstuvwxyz"

    func full(_ kind: PortalEvent.Kind) throws -> AuditEvent {
        .portal(PortalEvent(kind: kind, portalMessageID: Self.portalID, queueID: Fixture.queueID,
                            recipient: try Fixture.address("patient@example.org"), client: "192.0.2.7", actor: "ops",
                            detail: "remaining=3"))
    }

    func testPortalEventNamesArePinned() {
        // Stored in every record: changing one breaks old logs and auditors' queries.
        let expected = ["portal_notice", "portal_sender_copy", "portal_code_sent", "portal_login", "portal_login_failed",
                        "portal_lockout", "portal_unlock", "portal_view", "portal_download", "portal_reply",
                        "portal_password_set", "portal_password_reset", "portal_read_receipt", "portal_expired",
                        "portal_revoked", "portal_damaged"]
        XCTAssertEqual(PortalEvent.Kind.allCases.map { AuditEvent.portal(PortalEvent(kind: $0)).name }, expected)
        XCTAssertEqual(AuditEvent.allNames, ["accepted", "delivery_attempt", "delivered", "deferred", "bounced", "admin_action"]
                       + expected + ["chain_heads", "audit_checkpoint"])
    }

    func testEveryKindRoundTripsWithAllAndWithNoFields() throws {
        for kind in PortalEvent.Kind.allCases {
            for event in [try full(kind), .portal(PortalEvent(kind: kind))] {
                let data = try JSONEncoder().encode(event)
                XCTAssertEqual(try JSONDecoder().decode(AuditEvent.self, from: data), event)
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                XCTAssertEqual(object["event"] as? String, "portal_" + kind.rawValue)
            }
        }
    }

    func testAnUnknownPortalKindIsRejected() {
        for name in ["portal_teleported", "portal_", "portalview"] {
            XCTAssertThrowsError(try JSONDecoder().decode(AuditEvent.self, from: Data(#"{"event":"\#(name)"}"#.utf8)), name)
        }
    }

    func testTheCanonicalEncodingIsPinned() throws {
        let (_, canonical) = try CanonicalRecord.seal(sequence: 3, time: Fixture.time, node: "gw1", event: try full(.loginFailed),
                                                      previousHash: CanonicalRecord.genesisHash)
        XCTAssertEqual(canonical, #"{"event":{"actor":"ops","client_address":"192.0.2.7","detail":"remaining=3","#
                       + #""event":"portal_login_failed","portal_message_id":"\#(Self.portalID)","queue_id":"\#(Fixture.queueID)","#
                       + #""recipient":"patient@example.org"},"format":1,"node":"gw1","#
                       + #""previous_hash":"\#(CanonicalRecord.genesisHash)","sequence":3,"time":"2026-11-23T10:00:00.000Z"}"#)
    }

    /// The event has exactly these fields: a new one (a subject, a code, a token) must be argued for here.
    func testTheEventHasNoFieldForContentCodesOrTokens() throws {
        let names = Mirror(reflecting: PortalEvent(kind: .view)).children.compactMap(\.label)
        XCTAssertEqual(names, ["kind", "portalMessageID", "queueID", "recipient", "client", "actor", "detail"])
        let data = try JSONEncoder().encode(try full(.reply))
        let keys = Set(try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys)
        XCTAssertEqual(keys, ["event", "portal_message_id", "queue_id", "recipient", "client_address", "actor", "detail"])
    }

    func testTheRecipientAndQueueIDAreTheRecordsColumnsAndTheChainVerifies() throws {
        let event = try full(.view)
        XCTAssertEqual(event.recipient, try Fixture.address("patient@example.org"))
        XCTAssertEqual(event.queueID, Fixture.queueID)
        XCTAssertNil(event.outcome)
        XCTAssertNil(event.attempt)
        let store = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: Fixture.clock)
        _ = try store.append(try Fixture.accepted())
        _ = try store.append(event)
        _ = try store.append(.portal(PortalEvent(kind: .expired, portalMessageID: Self.portalID)))
        XCTAssertEqual(try store.verifyChain(), .intact(count: 3))
        let found = try store.records(matching: AuditQuery(recipient: try Fixture.address("patient@example.org")))
        XCTAssertEqual(found.map(\.event), [event])
        XCTAssertEqual(try store.records(matching: AuditQuery(event: "portal_expired")).count, 1)
    }

    func testTheReceivedStyleLine() throws {
        let record = AuditRecord(sequence: 7, time: Fixture.time, node: "gw1", event: try full(.loginFailed), previousHash: "aa",
                                 hash: "bb")
        XCTAssertEqual(AuditRendering.receivedStyleLine(record, localHostname: "gw.example"),
                       "portal login_failed message \(Self.portalID) for <patient@example.org> from [192.0.2.7] by \"ops\" "
                       + "on gw.example (Sealgate) id \(Fixture.queueID); Mon, 23 Nov 2026 10:00:00 +0000 detail=\"remaining=3\"")
        let bare = AuditRecord(sequence: 8, time: Fixture.time, node: "gw1", event: .portal(PortalEvent(kind: .expired)),
                               previousHash: "bb", hash: "cc")
        XCTAssertEqual(AuditRendering.receivedStyleLine(bare, localHostname: "gw"),
                       "portal expired on gw (Sealgate); Mon, 23 Nov 2026 10:00:00 +0000")
    }

    func testTheJSONObject() throws {
        let record = AuditRecord(sequence: 7, time: Fixture.time, node: "gw1", event: try full(.download), previousHash: "aa",
                                 hash: "bb")
        let object = AuditRendering.jsonObject(record)
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONSerialization.data(withJSONObject: object))
                                 as? [String: Any])
        XCTAssertEqual(back["event"] as? String, "portal_download")
        XCTAssertEqual(back["portal_message_id"] as? String, Self.portalID)
        XCTAssertEqual(back["queue_id"] as? String, Fixture.queueID.value)
        XCTAssertEqual(back["recipient"] as? String, "patient@example.org")
        XCTAssertEqual(back["client_address"] as? String, "192.0.2.7")
        XCTAssertEqual(back["actor"] as? String, "ops")
        XCTAssertEqual(back["detail"] as? String, "remaining=3")
        XCTAssertTrue(back["outcome"] is NSNull)
        let bare = AuditRendering.jsonObject(AuditRecord(sequence: 1, time: Fixture.time, node: "gw1",
                                                         event: .portal(PortalEvent(kind: .expired)), previousHash: "", hash: ""))
        XCTAssertTrue(bare["portal_message_id"] is NSNull)
        XCTAssertTrue(bare["actor"] is NSNull)
    }
}
