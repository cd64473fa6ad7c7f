// Tests for the notify_sender notice: sent from <> to the sender for held, quarantined and
// rejected recipients that asked for it, naming the rule and never quoting the message.

import Foundation
import MailCore
import XCTest
@testable import MIME

final class PolicyNoticeTests: XCTestCase {
    func envelope(_ decisions: [Decision], sender: String? = "alice@example.org") throws -> Envelope {
        let client = ClientInfo(address: "127.0.0.1", port: 1, hostname: nil, helo: "c", protocolName: "ESMTP",
                                authenticatedUser: nil, tls: nil, listener: "relay")
        return Envelope(queueID: QueueID.generate(node: 1), sender: try sender.map { try MailAddressParser.parse($0, allowUTF8: true) },
                        recipients: try ["b@example.net", "c@example.net"].map { RecipientSpec(address: try MailAddressParser.parse($0, allowUTF8: true)) },
                        size: 10, arrival: Date(), client: client, decisions: decisions)
    }

    func decision(_ action: DecisionAction, notify: Bool) -> Decision {
        Decision(action: action, notifySender: notify, trace: DecisionTrace(rule: "10-phi.yaml:3 hold-ssn", findingCounts: ["ssn": 1],
                                                                            uninspectedParts: 0, score: 0.97))
    }

    func testNoticeNamesRecipientsAndRuleOnly() throws {
        let env = try envelope([decision(.hold, notify: true), decision(.deliver, notify: true)])
        let local = try XCTUnwrap(LocalMail(hostname: "gw.example", node: 1).policyNotice(for: env, now: Date()))
        let notice = local.envelope, bytes = local.bytes
        XCTAssertNil(notice.sender, "notices go from the null sender, so they never bounce back")
        XCTAssertEqual(notice.recipients.map(\.address.description), ["alice@example.org"])
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("<b@example.net> is held for review under policy rule 10-phi.yaml:3 hold-ssn"), text)
        XCTAssertFalse(text.contains("c@example.net"), "delivered recipients are not listed")
        XCTAssertTrue(text.contains("Auto-Submitted: auto-generated"))
    }

    func testNoNoticeWithoutTheFlagOrForTheNullSender() throws {
        let mail = LocalMail(hostname: "gw", node: 1)
        XCTAssertNil(mail.policyNotice(for: try envelope([decision(.hold, notify: false), decision(.quarantine, notify: false)]), now: Date()))
        XCTAssertNil(mail.policyNotice(for: try envelope([decision(.hold, notify: true), decision(.hold, notify: true)], sender: nil), now: Date()))
    }
}
