// deliver.portal: expiry, notice_subject, sender_copy and read_receipt parsed with exact positions,
// carried into the Decision (absent: nil, the portal's defaults) and shown in the explain trace.
import MailCore
import XCTest
@testable import Policy

final class PolicyPortalOptionsTests: XCTestCase {
    func deliverRule(_ portal: String) -> String {
        "rules:\n  - name: r\n    deliver: {methods: [tls, portal], portal: \(portal)}\n"
    }

    func decision(_ portal: String, file: StaticString = #filePath, line: UInt = #line) -> Decision {
        PolicyEvaluator(policy: Fixture.policy(deliverRule(portal), file: file, line: line)).evaluate(Fixture.facts())[0].decision
    }

    func testAbsentIsNilAndEveryKeyIsRead() {
        let plain = Fixture.policy("rules:\n  - name: r\n    deliver: {methods: [tls, portal]}\n")
        XCTAssertNil(PolicyEvaluator(policy: plain).evaluate(Fixture.facts())[0].decision.portal)
        XCTAssertEqual(decision("{}").portal, PortalOptions())
        XCTAssertEqual(decision("{expiry: 14d, notice_subject: true, sender_copy: yes, read_receipt: true}").portal,
                       PortalOptions(expiry: 14 * 86400, noticeSubject: true, senderCopy: true, readReceipt: true))
        XCTAssertEqual(decision("{sender_copy: true}").portal, PortalOptions(senderCopy: true))
    }

    func testBadValuesAreReportedAtTheirPlace() {
        XCTAssertEqual(Fixture.diagnostics(deliverRule("{expiry: 30s}")),
                       ["test.yaml:3:56: error: deliver.portal.expiry: must be from 1m to 365d"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule("{expiry: 2y}")).count, 1)
        XCTAssertEqual(Fixture.diagnostics(deliverRule("{sender_copy: maybe}")),
                       ["test.yaml:3:61: error: deliver.portal.sender_copy: expected true or false, got 'maybe'"])
        let unknown = Fixture.diagnostics(deliverRule("{notice_subjct: true}"))
        XCTAssertEqual(unknown.count, 1)
        XCTAssertTrue(unknown[0].contains("notice_subjct") && unknown[0].contains("notice_subject"), unknown[0])
        XCTAssertEqual(Fixture.diagnostics(deliverRule("[30d]")),
                       ["test.yaml:3:47: error: deliver.portal: expected a mapping, got a list"])
    }

    func testTheTraceShowsTheOptions() {
        let policy = Fixture.policy(deliverRule("{expiry: 10d, sender_copy: true}"))
        let text = PolicyTraceRenderer.text(PolicyEvaluator(policy: policy).evaluate(Fixture.facts()))
        XCTAssertTrue(text.contains("     portal: expiry 10d, notice subject no, sender copy yes, read receipt no\n"), text)
        let defaults = Fixture.policy(deliverRule("{read_receipt: true}"))
        let defaultText = PolicyTraceRenderer.text(PolicyEvaluator(policy: defaults).evaluate(Fixture.facts()))
        XCTAssertTrue(defaultText.contains("portal: expiry the portal's default (30d), notice subject no, sender copy no, read receipt yes"),
                      defaultText)
    }
}
