// AuditRenderingTests: the exact human line for plaintext and TLS attempts, accepted and admin
// records, and the --json object's keys and values.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class AuditRenderingTests: XCTestCase {
    private func record(_ event: AuditEvent) -> AuditRecord {
        AuditRecord(sequence: 7, time: Fixture.time, node: "gw1", event: event, previousHash: "aa", hash: "bb")
    }

    func testTLSAttemptLine() throws {
        let line = AuditRendering.receivedStyleLine(record(try Fixture.delivered()), localHostname: "gw.example")
        XCTAssertEqual(line, "from gw.example (Sealgate) by mx.partner.example [127.0.0.7]:25 (using TLSv1.3 with cipher "
                       + "TLS_AES_256_GCM_SHA384 (256/256 bits) verify=OK trust=pkix) for <bob@partner.example> id "
                       + "\(Fixture.queueID); Mon, 23 Nov 2026 10:00:00 +0000 status=delivered reply=\"250 2.0.0 Ok\"")
    }

    func testPlaintextDeferredAttemptLine() throws {
        var event = try Fixture.deferred()
        if case .deferred(var a) = event { a.tls = nil; a.reason = "STARTTLS not offered"; event = .deferred(a) }
        let line = AuditRendering.receivedStyleLine(record(event), localHostname: "gw.example")
        XCTAssertEqual(line, "from gw.example (Sealgate) by mx.partner.example [127.0.0.7]:25 (no TLS) for "
                       + "<carol@partner.example> id \(Fixture.queueID); Mon, 23 Nov 2026 10:00:00 +0000 status=deferred "
                       + "reply=\"451 4.3.0 Try again later\" reason=\"STARTTLS not offered\" delay=61.50 attempt=2")
    }

    func testAttemptWithoutConnectionAndQuotedReply() throws {
        let a = AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("bob@partner.example"), attempt: 1,
                             reply: "550 5.1.1 \"bob\" unknown\r\nsecond line", status: EnhancedStatus(5, 1, 1))
        let line = AuditRendering.receivedStyleLine(record(.deliveryAttempt(a)), localHostname: "gw")
        XCTAssertEqual(line, "from gw (Sealgate) by unknown (no TLS) for <bob@partner.example> id \(Fixture.queueID); "
                       + "Mon, 23 Nov 2026 10:00:00 +0000 status=attempted reply=\"550 5.1.1 \\\"bob\\\" unknown  second line\"")
        XCTAssertFalse(line.contains("\n"))
        let noReply = AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("bob@partner.example"), attempt: 1,
                                   relayIP: "::1", relayPort: 2525, status: EnhancedStatus(4, 4, 1), reason: "connection refused")
        XCTAssertEqual(AuditRendering.receivedStyleLine(record(.deferred(noReply)), localHostname: "gw"),
                       "from gw (Sealgate) by [::1]:2525 (no TLS) for <bob@partner.example> id \(Fixture.queueID); "
                       + "Mon, 23 Nov 2026 10:00:00 +0000 status=deferred dsn=4.4.1 reason=\"connection refused\"")
    }

    func testTLSClauseVariants() {
        XCTAssertEqual(AuditRendering.tlsClause(nil), "(no TLS)")
        XCTAssertEqual(AuditRendering.tlsClause(Fixture.tls13),
                       "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) verify=OK trust=pkix)")
        let failed = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256, algorithmBits: 256,
                              verification: .failed(reason: "self-signed certificate"))
        XCTAssertEqual(AuditRendering.tlsClause(failed), "(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits) "
                       + "verify=FAIL verify_error=\"self-signed certificate\")")
        let dane = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128, algorithmBits: 128,
                            verification: .verified(trust: .daneEE))
        XCTAssertEqual(AuditRendering.tlsClause(dane),
                       "(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) verify=OK trust=dane-ee)")
        let unchecked = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128, algorithmBits: 128)
        XCTAssertEqual(AuditRendering.tlsClause(unchecked),
                       "(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) verify=NONE)")
    }

    func testAcceptedAndAdminLines() throws {
        XCTAssertEqual(AuditRendering.receivedStyleLine(record(try Fixture.accepted()), localHostname: "gw.example"),
                       "from client.example (unknown [127.0.0.5]:40000) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
                       + "(256/256 bits) verify=OK trust=pkix) by gw.example (Sealgate) with ESMTPS for "
                       + "<bob@partner.example>,<carol@partner.example> id \(Fixture.queueID); Mon, 23 Nov 2026 10:00:00 +0000 "
                       + "status=accepted from=<alice@gw.example> size=1234 listener=\"relay\"")
        XCTAssertEqual(AuditRendering.receivedStyleLine(record(Fixture.admin()), localHostname: "gw.example"),
                       "admin show_body by \"root\" on gw.example (Sealgate) id \(Fixture.queueID); "
                       + "Mon, 23 Nov 2026 10:00:00 +0000 detail=\"via queue show --body\"")
        XCTAssertEqual(AuditRendering.receivedStyleLine(record(.adminAction(AdminEvent(actor: "ops", action: .flush))),
                                                        localHostname: "gw"),
                       "admin flush by \"ops\" on gw (Sealgate); Mon, 23 Nov 2026 10:00:00 +0000")
    }

    func testJSONObjectForAttempt() throws {
        let object = AuditRendering.jsonObject(record(try Fixture.delivered()))
        // It must serialise, and read back with the documented keys and values.
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(back["sequence"] as? Int, 7)
        XCTAssertEqual(back["time"] as? String, "2026-11-23T10:00:00.000Z")
        XCTAssertEqual(back["event"] as? String, "delivered")
        XCTAssertEqual(back["queue_id"] as? String, Fixture.queueID.value)
        XCTAssertEqual(back["recipient"] as? String, "bob@partner.example")
        XCTAssertEqual(back["outcome"] as? String, "delivered")
        XCTAssertEqual(back["reply"] as? String, "250 2.0.0 Ok")
        XCTAssertEqual(back["status"] as? String, "2.0.0")
        XCTAssertEqual(back["relay_host"] as? String, "mx.partner.example")
        XCTAssertEqual(back["relay_ip"] as? String, "127.0.0.7")
        XCTAssertEqual(back["relay_port"] as? Int, 25)
        XCTAssertEqual(back["hash"] as? String, "bb")
        XCTAssertEqual(back["previous_hash"] as? String, "aa")
        XCTAssertEqual(back["attempt"] as? Int, 1)
        XCTAssertTrue(back["reason"] is NSNull)
        let tls = try XCTUnwrap(back["tls"] as? [String: Any])
        XCTAssertEqual(tls["version"] as? String, "TLSv1.3")
        XCTAssertEqual(tls["cipher"] as? String, "TLS_AES_256_GCM_SHA384")
        XCTAssertEqual(tls["bits"] as? Int, 256)
        XCTAssertEqual(tls["algorithm_bits"] as? Int, 256)
        XCTAssertEqual(tls["verify"] as? String, "OK")
        XCTAssertEqual(tls["trust"] as? String, "pkix")
        XCTAssertEqual(tls["peer_subject"] as? String, "mx.partner.example")
        XCTAssertEqual(tls["peer_issuer"] as? String, "Test CA")
    }

    func testJSONObjectForPlaintextAndOtherEvents() throws {
        let plain = AuditRendering.jsonObject(record(try Fixture.delivered(tls: nil)))
        XCTAssertTrue(plain["tls"] is NSNull)
        let accepted = AuditRendering.jsonObject(record(try Fixture.accepted()))
        XCTAssertEqual(accepted["sender"] as? String, "alice@gw.example")
        XCTAssertEqual(accepted["recipients"] as? [String], ["bob@partner.example", "carol@partner.example"])
        XCTAssertEqual(accepted["size"] as? Int, 1234)
        XCTAssertTrue(accepted["recipient"] is NSNull)
        XCTAssertEqual((accepted["client"] as? [String: Any])?["address"] as? String, "127.0.0.5")
        XCTAssertEqual((accepted["tls"] as? [String: Any])?["version"] as? String, "TLSv1.3")
        let admin = AuditRendering.jsonObject(record(Fixture.admin()))
        XCTAssertEqual(admin["actor"] as? String, "root")
        XCTAssertEqual(admin["action"] as? String, "show_body")
        XCTAssertEqual(admin["event"] as? String, "admin_action")
        for object in [plain, accepted, admin] {
            XCTAssertNoThrow(try JSONSerialization.data(withJSONObject: object))
        }
    }
}
