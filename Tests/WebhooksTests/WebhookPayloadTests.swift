// WebhookPayloadTests: which audit records become events, and what a payload holds: the
// documented keys only, the TLS facts of a delivery, never a finding sample, reply text or subject.

import Audit
import Foundation
import MailCore
import XCTest
@testable import Webhooks

final class WebhookPayloadTests: XCTestCase {
    let mapper = WebhookEventMapper(node: "gw1.example")
    let created = Date(timeIntervalSince1970: 1_795_428_000.25)

    private func json(_ p: WebhookPayload) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try p.encoded())) as? [String: Any])
    }

    func testDeliveredCarriesMethodAndTLSFacts() throws {
        let facts = WebhookEventMapper.MessageFacts(messageID: "<m1@gw.example>", sender: "alice@gw.example")
        let p = try XCTUnwrap(mapper.payload(for: try WebhookFixture.delivered(), id: "evt_1", created: created, facts: facts))
        let o = try json(p)
        let expected: [String: String] = ["type": "delivered", "method": "smime", "status": "2.0.0",
                                          "recipient_domain": "partner.example", "message_id": "<m1@gw.example>",
                                          "node": "gw1.example", "created": "2026-11-23T10:00:00.250Z"]
        XCTAssertEqual(o.compactMapValues { $0 as? String }.filter { expected[$0.key] != nil }, expected)
        let tls = try XCTUnwrap(o["tls"] as? [String: Any])
        XCTAssertEqual(tls["version"] as? String, "TLSv1.3")
        XCTAssertEqual(tls["cipher"] as? String, "TLS_AES_256_GCM_SHA384")
        XCTAssertEqual(tls["trust"] as? String, "dane-ee")
        XCTAssertEqual(tls["verified"] as? Bool, true)
    }

    func testPayloadHasOnlyDocumentedKeysAndNoPHI() throws {
        let allowed: Set<String> = ["id", "type", "created", "queue_id", "message_id", "node", "sender", "recipient",
                                    "recipient_domain", "method", "tls", "status", "attempt", "relay_host", "portal_message_id"]
        for event in [try WebhookFixture.delivered(), try WebhookFixture.bounced()] {
            let p = try XCTUnwrap(mapper.payload(for: event, id: "evt_1", created: created, facts: nil))
            let body = String(decoding: try p.encoded(), as: UTF8.self)
            XCTAssertTrue(Set(try json(p).keys).isSubset(of: allowed), body)
            XCTAssertFalse(body.contains(WebhookFixture.phiSample), body)
            XCTAssertFalse(body.contains("no such user"), "the remote reply text stays out: \(body)")
        }
    }

    func testBounceAndExpiryAreTellApartAndDeferralsAreNotEvents() throws {
        XCTAssertEqual(WebhookEventMapper.type(of: try WebhookFixture.bounced()), .bounced)
        XCTAssertEqual(WebhookEventMapper.type(of: try WebhookFixture.bounced(reason: "message expired after 5d in the queue; last: x")),
                       .expired)
        XCTAssertNil(WebhookEventMapper.type(of: try WebhookFixture.deferred()))
        XCTAssertNil(WebhookEventMapper.type(of: try WebhookFixture.accepted()))
        let bounce = try XCTUnwrap(mapper.payload(for: try WebhookFixture.bounced(), id: "e", created: created, facts: nil))
        XCTAssertEqual(bounce.status, "5.1.1")
        XCTAssertNil(bounce.method)
        XCTAssertNil(bounce.tls)
    }

    func testPortalSteps() throws {
        let view = AuditEvent.portal(PortalEvent(kind: .view, portalMessageID: "PM1", queueID: WebhookFixture.queueID,
                                                 recipient: try WebhookFixture.address("bob@partner.example"), client: "127.0.0.9",
                                                 detail: "views=1"))
        let p = try XCTUnwrap(mapper.payload(for: view, id: "e", created: created, facts: nil))
        XCTAssertEqual(p.type, .portalPickedUp)
        XCTAssertEqual(p.portalMessageID, "PM1")
        XCTAssertFalse(String(decoding: try p.encoded(), as: UTF8.self).contains("127.0.0.9"))
        XCTAssertNil(WebhookEventMapper.type(of: .portal(PortalEvent(kind: .loginFailed))))
        XCTAssertEqual(WebhookEventMapper.type(of: .portal(PortalEvent(kind: .revoked))), .portalRevoked)
        XCTAssertEqual(WebhookEventMapper.type(of: .portal(PortalEvent(kind: .expired))), .portalExpired)
    }
}
