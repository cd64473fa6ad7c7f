// DKIMOutboundSigner: the signers are chosen by the From header's domain (exact, A-label); no
// entry leaves the message unchanged; two selectors give two signatures; a bad message goes unsigned.
import Foundation
import Logging
import XCTest
@testable import Gateway

final class DKIMOutboundSignerTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }

    private func key(_ domain: String, _ selector: String, _ type: DKIMKeyType) throws -> String {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        return try DKIMFacade(config: config, currentDirectory: dir).keygen(domain: domain, selector: selector,
                                                                           type: type, out: nil).keyPath
    }

    private func signer() throws -> DKIMOutboundSigner {
        let rsa = try key("example.org", "s2026", .rsa), ed = try key("example.org", "e2026", .ed25519)
        let one = try key("xn--bcher-kva.example", "b1", .ed25519)
        return try DKIMOutboundSigner(domains: [
            DKIMDomainConfig(domain: "example.org", selectors: [DKIMSelectorConfig(selector: "s2026", keyPath: rsa),
                                                                DKIMSelectorConfig(selector: "e2026", keyPath: ed)]),
            DKIMDomainConfig(domain: "xn--bcher-kva.example", selectors: [DKIMSelectorConfig(selector: "b1", keyPath: one)]),
        ], logger: Logger(label: "test"))
    }

    private func message(from: String) -> [UInt8] {
        Array("From: \(from)\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nHello\r\n".utf8)
    }

    private func signatures(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { $0.hasPrefix("DKIM-Signature:") }
    }

    func testTwoSelectorsGiveTwoSignaturesOnTop() throws {
        let signer = try signer(), original = message(from: "Alice <alice@Example.ORG>")
        let signed = signer.sign(original, now: Date(timeIntervalSince1970: 1_800_000_000))
        let fields = signatures(signed)
        XCTAssertEqual(fields.count, 2)
        XCTAssertEqual(Array(signed.suffix(original.count)), original)
        let text = String(decoding: signed, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("DKIM-Signature:"))
        XCTAssertTrue(text.contains("a=ed25519-sha256") && text.contains("a=rsa-sha256"), text)
        XCTAssertTrue(text.contains("s=e2026") && text.contains("s=s2026") && text.contains("t=1800000000"), text)
    }

    func testDomainWithoutEntryOrSubdomainIsUnchanged() throws {
        let signer = try signer()
        for from in ["bob@example.net", "carol@mail.example.org", "undisclosed-recipients:;"] {
            let original = message(from: from)
            XCTAssertEqual(signer.sign(original, now: Date()), original, from)
        }
        let noFrom = Array("To: bob@example.net\r\n\r\nHello\r\n".utf8)
        XCTAssertEqual(signer.sign(noFrom, now: Date()), noFrom)
    }

    func testIDNFromDomainMatchesItsALabel() throws {
        let signed = try signer().sign(message(from: "x@b\u{fc}cher.example"), now: Date())
        XCTAssertEqual(signatures(signed).count, 1)
        let text = String(decoding: signed, as: UTF8.self)
        XCTAssertTrue(text.contains("d=xn--bcher-kva.example;"), text)
    }

    func testASigningErrorSendsTheMessageUnsigned() throws {
        let bare = Array("From: alice@example.org\nTo: bob@example.net\n\nbare LF\n".utf8)
        XCTAssertEqual(try signer().sign(bare, now: Date()), bare)
    }
}
