// First-match-wins order, the actions and modifiers turned into Decisions, lists (inline, from a
// file, across files), the built-in default and the temporary-failure path.
import MailCore
import XCTest
@testable import Policy

final class PolicyEvaluatorTests: XCTestCase {
    func testFirstMatchWins() {
        let policy = Fixture.policy("""
            rules:
              - name: ssn-reject
                when: {phi: {types: [ssn]}}
                reject: "5.7.1 no SSNs here"
              - name: any-phi
                when: {phi: true}
                quarantine: true
              - name: rest
                hold: true
            """)
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(findings: [Fixture.finding(.ssn)])), "ssn-reject")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(findings: [Fixture.finding(.mrn)])), "any-phi")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts()), "rest")
        let verdict = PolicyEvaluator(policy: policy).evaluate(Fixture.facts(findings: [Fixture.finding(.mrn)]))[0]
        XCTAssertEqual(verdict.trace.steps.map(\.outcome), [.noMatch, .match])
        XCTAssertEqual(verdict.decision.action, .quarantine)
    }

    func testDeliverActionAndModifiers() {
        let policy = Fixture.policy("""
            rules:
              - name: strict
                deliver: {tls: dane-only, min_tls: "1.3", methods: [pgp, portal], otherwise: bounce}
                add_header: {X-Sealgate-Policy: phi}
                strip_subject_tag: ["[secure]"]
                notify_sender: true
            """)
        let d = PolicyEvaluator(policy: policy).evaluate(Fixture.facts())[0].decision
        XCTAssertEqual(d.action, .deliver)
        XCTAssertEqual(d.tlsLevel, .daneOnly)
        XCTAssertEqual(d.minimumTLSVersion, .tls1_3)
        XCTAssertEqual(d.methods, [.pgp, .portal])
        XCTAssertEqual(d.fallback, .bounce)
        XCTAssertEqual(d.addHeaders, [HeaderField(name: "X-Sealgate-Policy", value: "phi")])
        XCTAssertEqual(d.stripSubjectTags, ["[secure]"])
        XCTAssertTrue(d.notifySender)
        XCTAssertEqual(d.trace.rule, "test.yaml:2 strict")
    }

    func testDeliverDefaults() {
        let d = PolicyEvaluator(policy: Fixture.policy("rules:\n  - name: plain\n    deliver: {}\n")).evaluate(Fixture.facts())[0].decision
        XCTAssertNil(d.tlsLevel)
        XCTAssertNil(d.minimumTLSVersion)
        XCTAssertEqual(d.methods, [.smime, .pgp, .tls, .portal])
        XCTAssertEqual(d.fallback, .defer)
    }

    func testRejectReplies() {
        func reply(_ text: String) -> DecisionAction? {
            let policy = Fixture.policy("rules:\n  - name: r\n    reject: \"\(text)\"\n")
            return PolicyEvaluator(policy: policy).evaluate(Fixture.facts()).first?.decision.action
        }
        XCTAssertEqual(reply("5.7.1 No PHI to free-mail"), .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "No PHI to free-mail")))
        XCTAssertEqual(reply("554 5.7.0 Refused"), .reject(SMTPReply(554, EnhancedStatus(5, 7, 0), "Refused")))
        XCTAssertEqual(reply("Go away"), .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "Go away")))
        XCTAssertEqual(reply("450 later"), .reject(SMTPReply(450, EnhancedStatus(4, 7, 1), "later")))
    }

    func testNoRuleMatchesGivesTheDefault() {
        let policy = Fixture.policy("rules:\n  - name: never\n    when: {authenticated: true}\n    hold: true\n")
        let verdict = PolicyEvaluator(policy: policy).evaluate(Fixture.facts())[0]
        XCTAssertEqual(verdict.decision, Decision(trace: DecisionTrace(rule: "default", findingCounts: [:], uninspectedParts: 0, score: 0)))
        XCTAssertNil(verdict.trace.matchedRule)
        XCTAssertEqual(PolicyEvaluator(policy: .empty).evaluate(Fixture.facts())[0].decision.trace.rule, "default")
    }

    func testInlineListAndListFileAcrossFiles() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/lists", withIntermediateDirectories: true)
        try "# partners\npartner.example   # main\n\n*.labs.example\n".write(toFile: dir + "/lists/partners.txt", atomically: true, encoding: .utf8)
        try "lists:\n  partners: {file: lists/partners.txt}\n  vips: [ceo@clinic.example, \"*@board.example\"]\n"
            .write(toFile: dir + "/10-lists.yaml", atomically: true, encoding: .utf8)
        try """
            rules:
              - name: vip
                when: {sender: "@vips"}
                hold: true
              - name: partners
                when: {recipient_domain: ["@partners", other.example]}
                deliver: {tls: dane}
            """.write(toFile: dir + "/20-rules.yml", atomically: true, encoding: .utf8)
        try "rules: [{name: ignored, hold: true}]\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let loaded = PolicyLoader.load(directory: dir)
        XCTAssertEqual(loaded.diagnostics.map(\.description), [])
        let policy = try XCTUnwrap(loaded.policy)
        XCTAssertEqual(policy.files, [dir + "/10-lists.yaml", dir + "/20-rules.yml"])
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(from: "x@board.example")), "vip")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(from: "ceo@clinic.example")), "vip")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(to: ["a@partner.example"])), "partners")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(to: ["a@x.labs.example"])), "partners")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(to: ["a@labs.example"])), "default")
        XCTAssertEqual(Fixture.rule(policy, Fixture.facts(to: ["a@other.example"])), "partners")
    }

    func testUnlinkedListReferenceTempfailsInsteadOfFallingThrough() {
        let parsed = PolicyLoader.parse(yaml: """
            rules:
              - name: partners
                when: {recipient_domain: "@partners"}
                deliver: {tls: dane}
              - name: rest
                deliver: {tls: may}
            """, file: "p.yaml", baseDirectory: "/nonexistent")
        XCTAssertEqual(parsed.diagnostics.map(\.description), [])
        let verdict = PolicyEvaluator(policy: PolicySet(rules: parsed.rules, files: ["p.yaml"])).evaluate(Fixture.facts())[0]
        XCTAssertEqual(verdict.decision.action, .reject(SMTPReply(451, EnhancedStatus(4, 3, 0), "Policy lookup failed; try again later")))
        XCTAssertEqual(verdict.decision.trace.rule, "p.yaml:2 partners (tempfail)")
        XCTAssertEqual(verdict.trace.steps.map(\.outcome), [.tempfail])
        XCTAssertEqual(verdict.trace.steps.first?.reason, "recipient_domain: list @partners could not be looked up")
    }

    func testTempfailLosesToADefiniteNoMatch() {
        let parsed = PolicyLoader.parse(yaml: """
            rules:
              - name: partners
                when: {recipient_domain: "@partners", authenticated: true}
                hold: true
            """, file: "p.yaml", baseDirectory: "/")
        let verdict = PolicyEvaluator(policy: PolicySet(rules: parsed.rules, files: [])).evaluate(Fixture.facts())[0]
        XCTAssertEqual(verdict.trace.steps.map(\.outcome), [.noMatch])
        XCTAssertEqual(verdict.decision.trace.rule, "default")
    }
}
