// Trace contents: findings as types and counts only (never samples), each rule tested with why,
// the matched rule, requirement and methods; and the text and JSON renderings of them.
import Foundation
import MailCore
import XCTest
@testable import Policy

final class PolicyTraceTests: XCTestCase {
    let policy = Fixture.policy("""
        rules:
          - name: partners
            when: {recipient_domain: [partner.example, "*.labs.example"]}
            deliver: {tls: dane}
          - name: phi
            when: {phi: {types: [ssn, mrn]}}
            deliver: {tls: verify, min_tls: "1.2", otherwise: portal}
        """)

    var facts: MessageFacts {
        Fixture.facts(to: ["bob@other.example"], subject: "John Doe 123-45-6789",
                      findings: [Fixture.finding(.ssn, 0.97), Fixture.finding(.ssn, 0.9), Fixture.finding(.mrn, 0.5)],
                      uninspected: [Fixture.pdf])
    }

    func testTraceNamesRulesReasonsAndCounts() {
        let verdict = PolicyEvaluator(policy: policy).evaluate(facts)[0]
        let t = verdict.trace
        XCTAssertEqual(t.findingsSummary, ["ssn": 2, "mrn": 1])
        XCTAssertEqual(t.uninspected, 1)
        XCTAssertEqual(t.score, 2.37, accuracy: 0.0001)
        XCTAssertEqual(t.steps, [
            TraceStep(rule: "partners", location: "test.yaml:2", outcome: .noMatch,
                      reason: "recipient_domain other.example not in [partner.example, *.labs.example]"),
            TraceStep(rule: "phi", location: "test.yaml:5", outcome: .match,
                      reason: "phi: 3 finding(s) of ssn, mrn, score 2.37 (needs >= 1)"),
        ])
        XCTAssertEqual(t.matchedRule, "test.yaml:5 phi")
        XCTAssertEqual(t.action, "deliver")
        XCTAssertEqual(t.requirement, "tls verify, >= TLSv1.2")
        XCTAssertEqual(t.methods, ["smime", "pgp", "tls", "portal"])
        XCTAssertEqual(t.fallback, "portal")
        XCTAssertEqual(verdict.decision.trace, DecisionTrace(rule: "test.yaml:5 phi", findingCounts: ["ssn": 2, "mrn": 1],
                                                             uninspectedParts: 1, score: verdict.decision.trace.score))
    }

    func testRenderingsCarryNoSamplesOrSubject() {
        let verdicts = PolicyEvaluator(policy: policy).evaluate(facts)
        let text = PolicyTraceRenderer.text(verdicts)
        let json = PolicyTraceRenderer.json(verdicts)
        for rendering in [text, json] {
            XCTAssertFalse(rendering.contains("6789"), rendering)
            XCTAssertFalse(rendering.contains("John"), rendering)
        }
        XCTAssertEqual(text, """
            Findings: mrn 1, ssn 2 (score 2.37); 1 part(s) not inspected

            Recipient bob@other.example
              1. test.yaml:2 partners: no match: recipient_domain other.example not in [partner.example, *.labs.example]
              2. test.yaml:5 phi: match: phi: 3 finding(s) of ssn, mrn, score 2.37 (needs >= 1)
              => deliver, by test.yaml:5 phi
                 requirement: tls verify, >= TLSv1.2
                 methods: smime, pgp, tls, portal; otherwise portal

            """)
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = (object?["recipients"] as? [[String: Any]])?.first
        XCTAssertEqual(first?["recipient"] as? String, "bob@other.example")
        XCTAssertEqual(first?["decision_rule"] as? String, "test.yaml:5 phi")
        let trace = first?["trace"] as? [String: Any]
        XCTAssertEqual(trace?["findings_summary"] as? [String: Int], ["ssn": 2, "mrn": 1])
        XCTAssertEqual((trace?["steps"] as? [[String: Any]])?.map { $0["outcome"] as? String }, ["no match", "match"])
    }

    func testReasonsNeverQuoteHeaderValuesOrFileNames() {
        let policy = Fixture.policy("""
            rules:
              - name: r
                when: {subject: "^nothing$", header: {X-Case: "x"}, attachment_name: ["*.exe"]}
                hold: true
              - name: s
                when: {attachment_name: ["*.exe"]}
                hold: true
            """)
        let facts = Fixture.facts(headers: [HeaderField(name: "X-Case", value: "Jane Roe")], subject: "Jane Roe chart",
                                  attachments: [AttachmentInfo(filename: "jane-roe.pdf", contentType: "application/pdf", part: "2")])
        let steps = PolicyEvaluator(policy: policy).evaluate(facts)[0].trace.steps
        XCTAssertEqual(steps.map(\.reason), ["subject does not match /^nothing$/",
                                             "no attachment name matches [*.exe] (1 named attachment(s))"])
    }

    func testDefaultVerdictTrace() {
        let t = PolicyEvaluator(policy: .empty).evaluate(Fixture.facts())[0].trace
        XCTAssertNil(t.matchedRule)
        XCTAssertEqual(t.requirement, "tls as configured for the destination")
        XCTAssertTrue(PolicyTraceRenderer.text(PolicyEvaluator(policy: .empty).evaluate(Fixture.facts()))
            .contains("=> deliver, by the built-in default (no rule matched)"))
    }
}
