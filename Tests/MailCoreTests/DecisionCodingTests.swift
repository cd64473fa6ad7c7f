// Decision's JSON form (kept in spooled envelopes): one written before protect_subject existed
// still decodes, with it off, and the new fields survive a round trip.
import Foundation
import XCTest
@testable import MailCore

final class DecisionCodingTests: XCTestCase {
    /// A Decision as envelopes stored it before `protectSubject` and `outerSubject` were added.
    let oldJSON = """
        {"action":{"deliver":{}},"addHeaders":[{"name":"X-Sealgate-Policy","value":"phi"}],"fallback":"portal",\
        "methods":["smime","pgp","tls","portal"],"minimumTLSVersion":"TLSv1.2","notifySender":false,\
        "stripSubjectTags":["[secure]"],"tlsLevel":"verify","trace":{"findingCounts":{"ssn":1},\
        "rule":"10-phi.yaml:5 phi-needs-verified-tls","score":0.95,"uninspectedParts":0}}
        """

    func testOldDecisionDecodesWithSubjectProtectionOff() throws {
        let d = try JSONDecoder().decode(Decision.self, from: Data(oldJSON.utf8))
        XCTAssertFalse(d.protectSubject)
        XCTAssertEqual(d.outerSubject, "[encrypted message]")
        XCTAssertEqual(d.action, .deliver)
        XCTAssertEqual(d.tlsLevel, .verify)
        XCTAssertEqual(d.minimumTLSVersion, .tls1_2)
        XCTAssertEqual(d.fallback, .portal)
        XCTAssertEqual(d.addHeaders, [HeaderField(name: "X-Sealgate-Policy", value: "phi")])
        XCTAssertEqual(d.stripSubjectTags, ["[secure]"])
        XCTAssertEqual(d.trace.rule, "10-phi.yaml:5 phi-needs-verified-tls")
    }

    func testOldDecisionWithoutOptionalTLSFieldsDecodes() throws {
        let json = #"{"action":{"hold":{}},"addHeaders":[],"fallback":"defer","methods":["tls"],"notifySender":true,"#
            + #""stripSubjectTags":[],"trace":{"findingCounts":{},"rule":"default","score":0,"uninspectedParts":0}}"#
        let d = try JSONDecoder().decode(Decision.self, from: Data(json.utf8))
        XCTAssertEqual(d.action, .hold)
        XCTAssertNil(d.tlsLevel)
        XCTAssertTrue(d.notifySender)
        XCTAssertFalse(d.protectSubject)
    }

    func testRoundTripKeepsSubjectProtection() throws {
        let d = Decision(protectSubject: true, outerSubject: "Secure message",
                         trace: DecisionTrace(rule: "x.yaml:1 r", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(d)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""outerSubject":"Secure message""#), text)
        XCTAssertTrue(text.contains(#""protectSubject":true"#), text)
        XCTAssertEqual(try JSONDecoder().decode(Decision.self, from: data), d)
    }

    func testTheCurrentEncodingOfAnOldDecisionDecodesTheSame() throws {
        let old = try JSONDecoder().decode(Decision.self, from: Data(oldJSON.utf8))
        XCTAssertEqual(try JSONDecoder().decode(Decision.self, from: JSONEncoder().encode(old)), old)
    }
}
