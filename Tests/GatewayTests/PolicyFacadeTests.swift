// PolicyFacade: loading a folder reports diagnostics and refuses a broken file; explain traces a
// message with an SSN to the PHI rule; a bad --from or --to is an InvalidInput naming the option.
import Foundation
import XCTest
@testable import Gateway

final class PolicyFacadeTests: XCTestCase {
    private func policyDirectory(_ yaml: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-policy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/10-phi.yaml"))
        return dir
    }

    private let phiRule = """
        rules:
          - name: phi
            when: {phi: {types: [ssn]}}
            deliver: {tls: verify}

        """

    func testLoadCountsRulesAndFiles() throws {
        let loaded = PolicyFacade.load(directory: try policyDirectory(phiRule))
        XCTAssertEqual(loaded.diagnostics, [])
        XCTAssertEqual(loaded.policy?.ruleCount, 1)
        XCTAssertEqual(loaded.policy?.fileCount, 1)
    }

    func testABrokenFileIsRefusedWithAPositionedDiagnostic() throws {
        let loaded = PolicyFacade.load(directory: try policyDirectory("rules:\n  - name: x\n    when: {bogus: 1}\n"))
        XCTAssertNil(loaded.policy)
        XCTAssertFalse(loaded.diagnostics.isEmpty)
        XCTAssertTrue(loaded.diagnostics.allSatisfy { $0.contains("10-phi.yaml:") }, "\(loaded.diagnostics)")
    }

    func testExplainMatchesThePHIRuleForAnSSN() throws {
        let config = try FacadeFixtures.config()
        let policy = try XCTUnwrap(PolicyFacade.load(directory: try policyDirectory(phiRule)).policy)
        let envelope = try ExplainEnvelope(from: "<>", to: ["bob@partner.example"])
        let text = policy.explain(message: FacadeFixtures.message(body: "SSN 219-45-1234"), envelope: envelope,
                                  authenticatedUser: nil, clientIP: "192.0.2.1", overTLS: true,
                                  scanner: try ScanFacade(config: config), json: false)
        XCTAssertTrue(text.hasPrefix("Findings: ssn 1 (score "), text)
        XCTAssertTrue(text.contains("\nRecipient bob@partner.example\n  1. 10-phi.yaml:2 phi: match: "), text)
        XCTAssertTrue(text.contains("  => deliver, by 10-phi.yaml:2 phi\n"), text)
        XCTAssertFalse(text.contains("219-45"), "the trace must not carry the value")
        let json = policy.explain(message: FacadeFixtures.message(body: "SSN 219-45-1234"), envelope: envelope,
                                  authenticatedUser: nil, clientIP: nil, overTLS: false,
                                  scanner: try ScanFacade(config: config), json: true)
        XCTAssertTrue(json.hasSuffix("\n"))
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    func testBadAddressesNameTheirOption() {
        XCTAssertThrowsError(try ExplainEnvelope(from: "not an address", to: ["b@example.net"])) { error in
            XCTAssertTrue((error as? InvalidInput)?.description.hasPrefix("--from: 'not an address' is not an address (") == true, "\(error)")
        }
        XCTAssertThrowsError(try ExplainEnvelope(from: "a@example.org", to: ["<>"])) { error in
            XCTAssertTrue((error as? InvalidInput)?.description.hasPrefix("--to: '<>' is not an address (") == true, "\(error)")
        }
        XCTAssertTrue(PolicyFacade.isIPAddress("2001:db8::1"))
        XCTAssertFalse(PolicyFacade.isIPAddress("300.1.1.1"))
    }
}
