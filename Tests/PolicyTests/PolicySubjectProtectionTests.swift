// deliver.protect_subject and deliver.subject_text: parsed and validated with exact positions,
// carried into the Decision, shown in the explain trace (text and JSON), and on in the shipped PHI rule.
import MailCore
import XCTest
@testable import Policy

final class PolicySubjectProtectionTests: XCTestCase {
    func deliverRule(_ keys: String) -> String {
        "rules:\n  - name: r\n    deliver: {tls: verify\(keys)}\n"
    }

    func decision(_ keys: String, file: StaticString = #filePath, line: UInt = #line) -> Decision {
        let policy = Fixture.policy(deliverRule(keys), file: file, line: line)
        return PolicyEvaluator(policy: policy).evaluate(Fixture.facts())[0].decision
    }

    func testAbsentMeansOffWithTheDefaultOuterSubject() {
        let d = decision("")
        XCTAssertFalse(d.protectSubject)
        XCTAssertEqual(d.outerSubject, "[encrypted message]")
        XCTAssertFalse(decision(", protect_subject: false").protectSubject)
    }

    func testTrueAndCustomText() {
        XCTAssertTrue(decision(", protect_subject: true").protectSubject)
        XCTAssertTrue(decision(", protect_subject: yes").protectSubject)
        let d = decision(", protect_subject: true, subject_text: \"Secure message from Clinic\"")
        XCTAssertTrue(d.protectSubject)
        XCTAssertEqual(d.outerSubject, "Secure message from Clinic")
    }

    func testBlockStyleMapping() {
        let policy = Fixture.policy("""
            rules:
              - name: r
                deliver:
                  protect_subject: on
                  subject_text: "[...]"
            """)
        let d = PolicyEvaluator(policy: policy).evaluate(Fixture.facts())[0].decision
        XCTAssertTrue(d.protectSubject)
        XCTAssertEqual(d.outerSubject, "[...]")
    }

    func testBadType() {
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", protect_subject: maybe")),
                       ["test.yaml:3:45: error: deliver.protect_subject: expected true or false, got 'maybe'"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", protect_subject: [true]")),
                       ["test.yaml:3:45: error: deliver.protect_subject: expected true or false, got a list"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: [a]")),
                       ["test.yaml:3:42: error: deliver.subject_text: expected a string, got a list"])
    }

    func testBadSubjectText() {
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"a\\nBcc: x@evil.example\"")),
                       ["test.yaml:3:42: error: deliver.subject_text: must not contain control characters (line breaks, tabs, ...)"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"a\\tb\"")),
                       ["test.yaml:3:42: error: deliver.subject_text: must not contain control characters (line breaks, tabs, ...)"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"Nachricht verschlüsselt\"")),
                       ["test.yaml:3:42: error: deliver.subject_text: must be plain ASCII; the outer Subject is not encoded"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"\(String(repeating: "x", count: 201))\"")),
                       ["test.yaml:3:42: error: deliver.subject_text: 201 characters is too long; at most 200"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"   \"")),
                       ["test.yaml:3:42: error: deliver.subject_text: must not be blank"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"\"")),
                       ["test.yaml:3:42: error: deliver.subject_text: must not be empty"])
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", subject_text: \"\(String(repeating: "x", count: 200))\"")), [])
    }

    func testMisspeltKeyGetsASuggestion() {
        XCTAssertEqual(Fixture.diagnostics(deliverRule(", protect_subjet: true")),
                       ["test.yaml:3:28: error: unknown deliver key 'protect_subjet'; did you mean 'protect_subject'?"])
    }

    func testTraceTextAndJSON() throws {
        let policy = Fixture.policy(deliverRule(", protect_subject: true, subject_text: \"Secure message\""))
        let verdicts = PolicyEvaluator(policy: policy).evaluate(Fixture.facts())
        XCTAssertTrue(verdicts[0].trace.protectSubject)
        let text = PolicyTraceRenderer.text(verdicts)
        XCTAssertTrue(text.contains("\n     protect_subject: yes (outer Subject: Secure message)\n"), text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(PolicyTraceRenderer.json(verdicts).utf8)) as? [String: Any])
        let entry = try XCTUnwrap((json["recipients"] as? [[String: Any]])?.first)
        let trace = try XCTUnwrap(entry["trace"] as? [String: Any])
        XCTAssertEqual(trace["protect_subject"] as? Bool, true)
        XCTAssertEqual(trace["outer_subject"] as? String, "Secure message")
    }

    func testTraceOmitsItWhenOffOrNotDelivering() throws {
        let off = PolicyEvaluator(policy: Fixture.policy(deliverRule(""))).evaluate(Fixture.facts())
        XCTAssertFalse(PolicyTraceRenderer.text(off).contains("protect_subject"))
        XCTAssertNil(off[0].trace.outerSubject)
        let held = Fixture.policy("rules:\n  - name: r\n    hold: true\n")
        let verdict = PolicyEvaluator(policy: held).evaluate(Fixture.facts())[0]
        XCTAssertFalse(verdict.trace.protectSubject)
        XCTAssertNil(verdict.trace.outerSubject)
    }

    func testShippedPolicyProtectsTheSubjectForPHIOnly() throws {
        let loaded = PolicyLoader.load(directory: Fixture.repositoryRoot + "/policies")
        XCTAssertEqual(loaded.diagnostics.map(\.description), [])
        let shipped = try XCTUnwrap(loaded.policy)
        let phi = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts(findings: [Fixture.finding(.ssn)]))
        XCTAssertEqual(phi[0].decision.trace.rule, "10-phi.yaml:5 phi-needs-verified-tls")
        XCTAssertTrue(phi[0].decision.protectSubject)
        XCTAssertEqual(phi[0].decision.outerSubject, "[encrypted message]")
        XCTAssertTrue(PolicyTraceRenderer.text(phi).contains("protect_subject: yes (outer Subject: [encrypted message])"))
        let uninspected = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts(uninspected: [Fixture.pdf]))[0].decision
        XCTAssertTrue(uninspected.protectSubject)
        let clean = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts())[0].decision
        XCTAssertFalse(clean.protectSubject)
    }
}
