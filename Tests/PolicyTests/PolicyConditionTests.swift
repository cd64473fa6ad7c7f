// Each condition kind, positive and negative, plus any_of and the three-valued list lookup.
import MailCore
import XCTest
@testable import Policy

final class PolicyConditionTests: XCTestCase {
    func testSenderAndRecipientAddressesAndGlobs() {
        XCTAssertTrue(Fixture.matches("sender: alice@clinic.example", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("sender: [\"*@CLINIC.example\"]", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("sender: clinic.example", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("sender: [\"bob@*\"]", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("sender: \"<>\"", Fixture.facts(from: nil)))
        XCTAssertFalse(Fixture.matches("sender: \"<>\"", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("recipient: [\"b?b@partner.example\"]", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("recipient: [carol@partner.example]", Fixture.facts()))
    }

    func testDomainsAndWildcards() {
        XCTAssertTrue(Fixture.matches("sender_domain: clinic.example", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("sender_domain: other.example", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("sender_domain: clinic.example", Fixture.facts(from: nil)))
        XCTAssertTrue(Fixture.matches("recipient_domain: [\"*.example\"]", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("recipient_domain: [\"*.partner.example\"]", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("recipient_domain: [\"*.partner.example\"]", Fixture.facts(to: ["x@mx.partner.example"])))
        XCTAssertTrue(Fixture.matches("recipient_domain: bücher.example", Fixture.facts(to: ["x@xn--bcher-kva.example"])))
    }

    func testAuthenticatedNetworkAndInboundTLS() {
        XCTAssertTrue(Fixture.matches("authenticated: true", Fixture.facts(auth: "alice")))
        XCTAssertFalse(Fixture.matches("authenticated: true", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("authenticated: false", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("client_network: [192.0.2.0/24, \"::1/128\"]", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("client_network: [198.51.100.0/24]", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("client_network: [0.0.0.0/0]", Fixture.facts(client: nil)))
        XCTAssertTrue(Fixture.matches("tls_inbound: true", Fixture.facts(tls: true)))
        XCTAssertFalse(Fixture.matches("tls_inbound: true", Fixture.facts(tls: false)))
    }

    func testHeaderSubjectAndTags() {
        let headers = [HeaderField(name: "X-Priority", value: "1 (Highest)")]
        XCTAssertTrue(Fixture.matches("header: {x-priority: \"^1\"}", Fixture.facts(headers: headers)))
        XCTAssertFalse(Fixture.matches("header: {X-Priority: \"^5\"}", Fixture.facts(headers: headers)))
        XCTAssertFalse(Fixture.matches("header: {X-Other: \".*\"}", Fixture.facts(headers: headers)))
        XCTAssertTrue(Fixture.matches("subject: \"lab results\"", Fixture.facts(subject: "Your LAB Results")))
        XCTAssertFalse(Fixture.matches("subject: \"(?-i)lab results\"", Fixture.facts(subject: "Your LAB Results")))
        XCTAssertFalse(Fixture.matches("subject: \".*\"", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("subject_tag: [\"[secure]\", \"+encrypt+\"]", Fixture.facts(subject: "Re: [SECURE] chart")))
        XCTAssertFalse(Fixture.matches("subject_tag: [\"[secure]\"]", Fixture.facts(subject: "secure chart")))
    }

    func testSize() {
        XCTAssertTrue(Fixture.matches("size: {over: 10MB}", Fixture.facts(size: 10_000_001)), "MB is a power of 1000")
        XCTAssertFalse(Fixture.matches("size: {over: 10MB}", Fixture.facts(size: 10_000_000)))
        XCTAssertTrue(Fixture.matches("size: {over: 10 MiB}", Fixture.facts(size: 10 * 1024 * 1024 + 1)), "MiB is a power of 1024")
        XCTAssertFalse(Fixture.matches("size: {over: 10 MiB}", Fixture.facts(size: 10 * 1024 * 1024)))
        XCTAssertTrue(Fixture.matches("size: {under: 1KB}", Fixture.facts(size: 999)))
        XCTAssertFalse(Fixture.matches("size: {under: 1KB}", Fixture.facts(size: 1000)))
        XCTAssertFalse(Fixture.matches("size: {under: 1KiB}", Fixture.facts(size: 1024)))
        XCTAssertTrue(Fixture.matches("size: {over: 100, under: 2000}", Fixture.facts(size: 1000)))
    }

    func testAttachments() {
        let attachments = [AttachmentInfo(filename: "Scan.PDF", contentType: "application/pdf; name=scan.pdf", part: "2"),
                           AttachmentInfo(filename: nil, contentType: "image/tiff", part: "3")]
        let facts = Fixture.facts(attachments: attachments)
        XCTAssertTrue(Fixture.matches("attachment_name: [\"*.pdf\"]", facts))
        XCTAssertFalse(Fixture.matches("attachment_name: [\"*.exe\"]", facts))
        XCTAssertTrue(Fixture.matches("attachment_name: \"\\\\.pdf$\"", facts))
        XCTAssertFalse(Fixture.matches("attachment_name: \"\\\\.docx$\"", facts))
        XCTAssertTrue(Fixture.matches("attachment_type: [application/pdf]", facts))
        XCTAssertTrue(Fixture.matches("attachment_type: [\"image/*\"]", facts))
        XCTAssertFalse(Fixture.matches("attachment_type: [application/zip]", facts))
    }

    func testPHITypesCountsAndScore() {
        let facts = Fixture.facts(findings: [Fixture.finding(.ssn, 0.9), Fixture.finding(.ssn, 0.8), Fixture.finding(.mrn, 0.5)])
        XCTAssertTrue(Fixture.matches("phi: true", facts))
        XCTAssertFalse(Fixture.matches("phi: true", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("phi: false", Fixture.facts()))
        XCTAssertFalse(Fixture.matches("phi: false", facts))
        XCTAssertTrue(Fixture.matches("phi: {types: [ssn], min_count: 2}", facts))
        XCTAssertFalse(Fixture.matches("phi: {types: [ssn], min_count: 3}", facts))
        XCTAssertFalse(Fixture.matches("phi: {types: [npi, dea]}", facts))
        XCTAssertTrue(Fixture.matches("phi: {types: any, min_score: 2.2}", facts))
        XCTAssertFalse(Fixture.matches("phi: {types: any, min_score: 2.3}", facts))
        XCTAssertFalse(Fixture.matches("phi: {types: [mrn], min_score: 0.9}", facts))
    }

    func testUninspected() {
        XCTAssertTrue(Fixture.matches("uninspected: true", Fixture.facts(uninspected: [Fixture.pdf])))
        XCTAssertFalse(Fixture.matches("uninspected: true", Fixture.facts()))
        XCTAssertTrue(Fixture.matches("uninspected: false", Fixture.facts()))
    }

    func testAllConditionsMustHold() {
        let condition = "sender_domain: clinic.example\nauthenticated: true"
        XCTAssertTrue(Fixture.matches(condition, Fixture.facts(auth: "alice")))
        XCTAssertFalse(Fixture.matches(condition, Fixture.facts()))
    }

    func testAnyOf() {
        let condition = "any_of:\n  - phi: true\n  - uninspected: true"
        XCTAssertTrue(Fixture.matches(condition, Fixture.facts(findings: [Fixture.finding(.npi)])))
        XCTAssertTrue(Fixture.matches(condition, Fixture.facts(uninspected: [Fixture.pdf])))
        XCTAssertFalse(Fixture.matches(condition, Fixture.facts()))
        let nested = "any_of:\n  - {authenticated: true, tls_inbound: true}\n  - sender: \"<>\""
        XCTAssertTrue(Fixture.matches(nested, Fixture.facts(auth: "a", tls: true)))
        XCTAssertFalse(Fixture.matches(nested, Fixture.facts(auth: "a", tls: false)))
    }

    func testRecipientConditionsArePerRecipient() {
        let policy = Fixture.policy("""
            rules:
              - name: partner
                when: {recipient_domain: partner.example}
                hold: true
            """)
        let verdicts = PolicyEvaluator(policy: policy).evaluate(Fixture.facts(to: ["a@partner.example", "b@other.example"]))
        XCTAssertEqual(verdicts.map(\.decision.action), [.hold, .deliver])
        XCTAssertEqual(verdicts.map(\.decision.trace.rule), ["test.yaml:2 partner", "default"])
        XCTAssertEqual(verdicts.map(\.recipient.description), ["a@partner.example", "b@other.example"])
    }
}
