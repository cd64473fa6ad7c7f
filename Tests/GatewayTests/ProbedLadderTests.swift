// ProbedLadder: `policy explain --probe`'s lines and JSON fields for one recipient: the tls rung as
// measured in the ladder line, the choice, a rung that could not be measured, and a key rung first.
import Delivery
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class ProbedLadderTests: XCTestCase {
    let phi = MethodLadder.plan(methods: [.smime, .pgp, .tls, .portal], otherwise: .portal, keys: { _ in .missing },
                                portalConfigured: false)
    static let requirement = TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA], minimumVersion: .tls1_2)

    static func rung(_ measured: TLSOutcome.Measurement) -> MeasuredTLSRung {
        MeasuredTLSRung(domain: "partner.example", outcome: TLSOutcome(host: "mx1.partner.example", requirement: requirement,
                                                                       measured: measured), failure: nil)
    }

    static let verified = rung(.negotiated(TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128,
                                                    algorithmBits: 128, verification: .verified(trust: .daneEE))))

    private func object(_ value: ProbedLadder.JSON) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }

    func testVerifiedTLSMeetsTheRequirementAndTheLadderChoosesTLS() throws {
        let probed = ProbedLadder(plan: phi, rung: Self.verified)
        XCTAssertEqual(probed.textLines, [
            "ladder: smime: no certificate on file; pgp: no key on file; "
                + "tls: mx1.partner.example TLS 1.3, certificate verified (dane-ee): meets the requirement; "
                + "portal: not configured; otherwise: portal",
            "choice: method=tls; skipped: smime: no certificate on file; pgp: no key on file",
        ])
        let json = try object(probed.json)
        let measured = try XCTUnwrap(json["tls_measured"] as? [String: Any])
        XCTAssertEqual(measured["host"] as? String, "mx1.partner.example")
        XCTAssertEqual(measured["measured"] as? String, "negotiated")
        XCTAssertEqual(measured["version"] as? String, "TLSv1.3")
        XCTAssertEqual(measured["verify"] as? String, "OK")
        XCTAssertEqual(measured["trust"] as? String, "dane-ee")
        XCTAssertEqual(measured["meets_requirement"] as? Bool, true)
        XCTAssertEqual(measured["requirement"] as? String, Self.requirement.description)
        XCTAssertNil(measured["skip"])
        let choice = try XCTUnwrap(json["choice"] as? [String: Any])
        XCTAssertEqual(choice["method"] as? String, "tls")
        XCTAssertEqual(choice["outcome"] as? String, "method")
        XCTAssertEqual((choice["skipped"] as? [[String: String]])?.map { $0["code"] }, ["no-key", "no-key"])
    }

    func testNoSTARTTLSNamesTheSkipAndTheFallback() throws {
        let probed = ProbedLadder(plan: phi, rung: Self.rung(.noSTARTTLS))
        XCTAssertEqual(probed.textLines.last,
                       "choice: method=none; outcome=deferred (otherwise: portal); skipped: smime: no certificate on file; "
                           + "pgp: no key on file; tls: mx1.partner.example offered no STARTTLS; portal: not configured")
        let json = try object(probed.json)
        let measured = try XCTUnwrap(json["tls_measured"] as? [String: Any])
        XCTAssertEqual(measured["meets_requirement"] as? Bool, false)
        XCTAssertEqual(measured["skip"] as? [String: String],
                       ["code": "no-starttls", "reason": "tls: mx1.partner.example offered no STARTTLS"])
        let choice = try XCTUnwrap(json["choice"] as? [String: Any])
        XCTAssertNil(choice["method"])
        XCTAssertEqual(choice["outcome"] as? String, "deferred")
        XCTAssertEqual(choice["fallback"] as? String, "portal")
        XCTAssertEqual((choice["skipped"] as? [[String: String]])?.compactMap { $0["code"] },
                       ["no-key", "no-key", "no-starttls", "portal-not-configured"])
    }

    func testARungThatCouldNotBeMeasuredHasNoChoice() throws {
        let rung = MeasuredTLSRung(domain: "gone.example", outcome: nil, failure: "MX lookup: 5.1.2 no such domain")
        let probed = ProbedLadder(plan: phi, rung: rung)
        XCTAssertNil(probed.choice)
        XCTAssertEqual(probed.ladderLines[2], "tls: not measured (gone.example: MX lookup: 5.1.2 no such domain)")
        XCTAssertEqual(probed.textLines.last, "choice: none yet: the tls rung could not be measured, delivery would retry")
        let json = try object(probed.json)
        XCTAssertNil(json["choice"])
        XCTAssertEqual((json["tls_measured"] as? [String: Any])?["failure"] as? String, "MX lookup: 5.1.2 no such domain")
    }

    func testAKeyRungBeforeTLSIsChosenWithoutMeasuring() throws {
        let plan = MethodLadder.plan(methods: [.smime, .pgp, .tls, .portal], otherwise: .portal,
                                     keys: { $0 == .pgp ? .available(keyID: "0xABCD") : .missing }, portalConfigured: false)
        XCTAssertFalse(plan.needsTLSMeasurement)
        let probed = ProbedLadder(plan: plan, rung: nil)
        XCTAssertEqual(probed.textLines.last, "choice: method=pgp; skipped: smime: no certificate on file")
        XCTAssertNil(try object(probed.json)["tls_measured"])
    }
}
