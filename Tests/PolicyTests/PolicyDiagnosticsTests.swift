// Every kind of policy diagnostic, with its exact text and position; all are collected, and a
// policy with an error is never returned (never half-applied).
import Foundation
import XCTest
@testable import Policy

final class PolicyDiagnosticsTests: XCTestCase {
    func testUnknownKeysWithSuggestions() {
        XCTAssertEqual(Fixture.diagnostics("""
            rulez: []
            rules:
              - name: a
                when: {recipent_domain: x.example}
                delivr: {}
                deliver: {tsl: verify}
            """), [
            "test.yaml:1:1: error: unknown top-level key 'rulez'; did you mean 'rules'?",
            "test.yaml:4:12: error: unknown condition 'recipent_domain'; did you mean 'recipient_domain'?",
            "test.yaml:5:5: error: unknown rule key 'delivr'; did you mean 'deliver'?",
            "test.yaml:6:15: error: unknown deliver key 'tsl'; did you mean 'tls'?",
        ])
    }

    func testWrongTypes() {
        XCTAssertEqual(Fixture.diagnostics("""
            rules:
              - name: a
                when: {authenticated: maybe, client_network: {a: b}, size: 10MB}
                reject: [x]
              - name: [b]
                hold: true
            rules2: 1
            """), [
            "test.yaml:3:27: error: authenticated: expected true or false, got 'maybe'",
            "test.yaml:3:50: error: client_network: expected a string or a list of strings, got a mapping",
            "test.yaml:3:64: error: size: expected a mapping, got '10MB'",
            "test.yaml:4:13: error: reject: expected a string, got a list",
            "test.yaml:5:11: error: name: expected a string, got a list",
            "test.yaml:7:1: error: unknown top-level key 'rules2'; did you mean 'rules'?",
        ])
    }

    func testBadRegexes() {
        XCTAssertEqual(Fixture.diagnostics("""
            rules:
              - name: a
                when:
                  subject: "(lab"
                  header: {X-Tag: "[a-"}
                  attachment_name: "*.exe"
                hold: true
            """), [
            "test.yaml:4:16: error: subject: bad regex '(lab': expected ')'",
            "test.yaml:5:23: error: header.X-Tag: bad regex '[a-': expected ']'",
            "test.yaml:6:24: error: attachment_name: bad regex '*.exe': quantifier '*' must appear after expression",
        ])
    }

    func testUnknownPHITypesTLSLevelsAndMethods() {
        XCTAssertEqual(Fixture.diagnostics("""
            rules:
              - name: a
                when: {phi: {types: [snn, any], min_count: 0}}
                hold: true
              - name: b
                when: {phi: {types: [snn]}}
                deliver: {tls: verfy, min_tls: "1.5", methods: [smime, smtp, smime], otherwise: later}
            """), [
            "test.yaml:3:25: error: phi.types: 'any' already covers every type; list either 'any' or types",
            "test.yaml:3:48: error: phi.min_count: must be at least 1, got 0",
            "test.yaml:6:26: error: phi.types: unknown PHI type 'snn'; did you mean 'ssn'? (known: ssn, npi, dea, mbi, icd10, mrn, dob, credit_card, phone, health_term, any)",
            "test.yaml:7:20: error: deliver.tls: unknown TLS level 'verfy'; did you mean 'verify'? (expected one of: none, may, encrypt, dane, dane-only, verify, secure)",
            "test.yaml:7:36: error: deliver.min_tls: unknown TLS version '1.5'; expected one of: 1.0, 1.1, 1.2, 1.3",
            "test.yaml:7:60: error: deliver.methods: unknown method 'smtp' (expected one of: smime, pgp, tls, portal)",
            "test.yaml:7:66: error: deliver.methods: 'smime' is listed twice",
            "test.yaml:7:85: error: deliver.otherwise: unknown fallback 'later' (expected one of: defer, bounce, portal)",
        ])
    }

    func testMissingListFileAndUndefinedList() {
        XCTAssertEqual(Fixture.diagnostics("""
            lists:
              partners: {file: lists/partners.txt}
              freemail: [gmail.com]
            rules:
              - name: a
                when: {recipient_domain: ["@partner", "@nothing"]}
                hold: true
            """), [
            "test.yaml:2:20: error: lists.partners: list file not found: lists/partners.txt",
            "test.yaml:6:31: error: recipient_domain: undefined list '@partner'; did you mean '@partners'?",
            "test.yaml:6:43: error: recipient_domain: undefined list '@nothing'",
        ])
    }

    func testDuplicateRuleNamesAndActions() {
        XCTAssertEqual(Fixture.diagnostics("""
            rules:
              - name: a
                hold: true
                quarantine: true
              - name: a
                when: {tls_inbound: true}
                notify_sender: true
              - when: {tls_inbound: false}
                hold: true
            """), [
            "test.yaml:4:5: error: rule 'a' has two actions, 'hold' and 'quarantine'; a rule takes exactly one of: deliver, reject, quarantine, hold",
            "test.yaml:5:5: error: rule 'a' has no action; add one of: deliver, reject, quarantine, hold",
            "test.yaml:8:5: error: rule #3 has no name; add 'name: …'",
        ])
        XCTAssertEqual(Fixture.diagnostics("""
            rules:
              - {name: a, when: {tls_inbound: true}, hold: true}
              - {name: a, when: {tls_inbound: false}, hold: true}
            """), ["test.yaml:3:5: error: duplicate rule name 'a'; first defined at test.yaml:2"])
    }

    func testBadValues() {
        XCTAssertEqual(Fixture.diagnostics("""
            lists:
              mixed: [a@b.example, "not a domain"]
            rules:
              - name: a
                when:
                  recipient_domain: [a@b.example]
                  client_network: [10.0.0.0/33]
                  size: {over: 10XB, under: 0}
                  attachment_type: [pdf]
                reject: "250 2.0.0 ok"
              - name: b
                when: {sender_domain: "@mixed", size: {over: 2MB, under: 1MB}}
                quarantine: false
            """), [
            "test.yaml:2:24: error: lists.mixed: 'not a domain' is not a domain name or a *.domain wildcard",
            "test.yaml:6:26: error: recipient_domain: 'a@b.example' is an address, not a domain",
            "test.yaml:7:24: error: client_network: '10.0.0.0/33' is not a network in CIDR form (e.g. 192.0.2.0/24 or 2001:db8::/32)",
            "test.yaml:8:20: error: size.over: bad size '10XB': unknown unit 'XB'; use a whole number of bytes, optionally followed by "
                + "KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), e.g. 10MB or 35MiB",
            "test.yaml:9:25: error: attachment_type: 'pdf' is not a media type such as application/pdf or image/*",
            "test.yaml:10:13: error: reject: reply code 250 is not a rejection; use 4xx (temporary) or 5xx (permanent)",
            "test.yaml:12:43: error: size: over (2000000) must be less than under (1000000), or nothing can match",
            "test.yaml:13:17: error: quarantine: only 'true' has a meaning here; pick another action instead of 'quarantine: false'",
        ])
    }

    func testYAMLSyntaxError() {
        let d = Fixture.diagnostics("rules:\n  - name: a\n    hold: true\n   bad: [\n")
        XCTAssertEqual(d.count, 1)
        XCTAssertTrue(d[0].hasPrefix("test.yaml:4:"), d[0])
        XCTAssertTrue(d[0].contains(": error: YAML syntax error: "), d[0])
    }

    func testShadowingWarningsDoNotBlockLoading() {
        let built = PolicyLoader.build(sources: [("a.yaml", """
            rules:
              - name: pdf
                when: {attachment_type: [application/pdf], phi: true}
                hold: true
              - name: pdf-again
                when: {phi: true, attachment_type: [application/pdf]}
                quarantine: true
              - name: everything
                deliver: {tls: may}
            """), ("b.yaml", "rules:\n  - name: late\n    when: {phi: true}\n    hold: true\n")], baseDirectory: "/")
        XCTAssertEqual(built.diagnostics.map(\.description), [
            "a.yaml:5:5: warning: rule 'pdf-again' can never match: rule 'pdf' at a.yaml:2 has the same conditions and matches first",
            "b.yaml:2:5: warning: rule 'late' can never match: rule 'everything' at a.yaml:8 always matches first",
        ])
        XCTAssertEqual(built.policy?.rules.map(\.name), ["pdf", "pdf-again", "everything", "late"])
    }

    func testErrorsInOneFileBlockTheWholePolicy() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "rules:\n  - {name: good, hold: true}\n".write(toFile: dir + "/10-good.yaml", atomically: true, encoding: .utf8)
        try "rules:\n  - {name: bad, hold: maybe}\n".write(toFile: dir + "/20-bad.yaml", atomically: true, encoding: .utf8)
        let loaded = PolicyLoader.load(directory: dir)
        XCTAssertNil(loaded.policy)
        XCTAssertEqual(loaded.diagnostics.map(\.description), ["\(dir)/20-bad.yaml:2:23: error: hold: expected true or false, got 'maybe'"])
        XCTAssertEqual(PolicyLoader.load(directory: dir + "/missing").diagnostics.map(\.description),
                       ["\(dir)/missing:1:1: error: policy directory not found or not readable"])
    }

    func testListFileEntryErrorsPointIntoTheListFile() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ok.example\n  bad domain!\n".write(toFile: dir + "/l.txt", atomically: true, encoding: .utf8)
        let built = PolicyLoader.build(sources: [(dir + "/p.yaml", "lists:\n  l: {file: l.txt}\n")], baseDirectory: dir)
        XCTAssertEqual(built.diagnostics.map(\.description),
                       ["\(dir)/l.txt:2:3: error: list 'l': 'bad domain!' is not a domain name or a *.domain wildcard"])
    }
}
