// The policies that ship: the live defaults in policies/ (PHI or anything uninspected needs
// verified TLS 1.2+, else the portal; the rest opportunistic TLS) and the examples, never loaded.
import MailCore
import XCTest
@testable import Policy

final class PolicyShippedTests: XCTestCase {
    var shipped: PolicySet!

    override func setUpWithError() throws {
        let loaded = PolicyLoader.load(directory: Fixture.repositoryRoot + "/policies")
        XCTAssertEqual(loaded.diagnostics.map(\.description), [])
        shipped = try XCTUnwrap(loaded.policy)
    }

    func testExamplesAreNotLoadedWithTheLivePolicies() {
        XCTAssertEqual(shipped.files.map { ($0 as NSString).lastPathComponent }, ["10-phi.yaml", "90-default.yaml"])
        XCTAssertEqual(shipped.rules.map(\.name), ["phi-needs-verified-tls", "no-phi-opportunistic-tls"])
    }

    func testPHIMeansVerifiedTLSOrThePortal() {
        let verdict = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts(findings: [Fixture.finding(.ssn)]))[0]
        let d = verdict.decision
        XCTAssertEqual(d.action, .deliver)
        XCTAssertEqual(d.tlsLevel, .verify)
        XCTAssertEqual(d.minimumTLSVersion, .tls1_2)
        XCTAssertEqual(d.methods, [.smime, .pgp, .tls, .portal])
        XCTAssertEqual(d.fallback, .portal)
        XCTAssertEqual(d.trace.rule, "10-phi.yaml:5 phi-needs-verified-tls")
        XCTAssertEqual(verdict.trace.requirement, "tls verify, >= TLSv1.2")
    }

    func testUninspectedPartFailsClosed() {
        let d = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts(uninspected: [Fixture.pdf]))[0].decision
        XCTAssertEqual(d.tlsLevel, .verify)
        XCTAssertEqual(d.fallback, .portal)
        XCTAssertEqual(d.trace.uninspectedParts, 1)
    }

    func testNoPHIGoesWithOpportunisticTLS() {
        let d = PolicyEvaluator(policy: shipped).evaluate(Fixture.facts())[0].decision
        XCTAssertEqual(d.action, .deliver)
        XCTAssertEqual(d.tlsLevel, .may)
        XCTAssertNil(d.minimumTLSVersion)
        XCTAssertEqual(d.fallback, .defer)
        XCTAssertEqual(d.trace.rule, "90-default.yaml:4 no-phi-opportunistic-tls")
    }

    func testExamplesLoadWithoutDiagnostics() throws {
        let loaded = PolicyLoader.load(directory: Fixture.repositoryRoot + "/policies/examples")
        XCTAssertEqual(loaded.diagnostics.map(\.description), [])
        let examples = try XCTUnwrap(loaded.policy)
        XCTAssertEqual(examples.rules.count, 5)
        let partner = Fixture.facts(to: ["dr@labs.example.net", "x@gmail.com"], findings: [Fixture.finding(.ssn)])
        let verdicts = PolicyEvaluator(policy: examples).evaluate(partner)
        XCTAssertEqual(verdicts[0].decision.tlsLevel, .daneOnly)
        XCTAssertEqual(verdicts[1].decision.action,
                       .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "Social Security numbers may not be sent to free-mail addresses")))
        let tagged = PolicyEvaluator(policy: examples).evaluate(Fixture.facts(subject: "[secure] referral"))[0].decision
        XCTAssertEqual(tagged.stripSubjectTags, ["[secure]", "+encrypt+"])
        let big = Fixture.facts(size: 20 << 20, attachments: [AttachmentInfo(filename: "fax.tif", contentType: "image/tiff", part: "2")],
                                uninspected: [UninspectedPart(part: "2", contentType: "image/tiff", reason: "unsupported type")])
        XCTAssertEqual(PolicyEvaluator(policy: examples).evaluate(big)[0].decision.action, .quarantine)
    }
}
