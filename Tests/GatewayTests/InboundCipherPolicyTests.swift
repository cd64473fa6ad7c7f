// `tls.ciphers`: forward-secret AEAD by default, `wide` only when asked, a bad value reported at
// its place; the forward-secret list has no static-RSA and no CBC suite.
import NIOSSL
import XCTest
@testable import Gateway

final class InboundCipherPolicyTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testDefaultIsForwardSecretAndWideIsExplicit() throws {
        XCTAssertEqual(try ConfigFixtures.config(ConfigFixtures.minimal, in: dir).tlsCiphers, .forwardSecret)
        XCTAssertEqual(try ConfigFixtures.config(ConfigFixtures.minimal + "tls: {ciphers: wide}\n", in: dir).tlsCiphers, .wide)
        XCTAssertEqual(ConfigFixtures.diagnostics(ConfigFixtures.minimal + "tls: {ciphers: strong}\n", in: dir),
                       ["sealgate.yaml:2:16: error: tls.ciphers: 'strong' is not allowed; expected one of: forward-secret, wide"])
    }

    func testTheForwardSecretListIsECDHEWithAnAEADOnly() {
        let names = InboundCipherPolicy.forwardSecretSuites.map { "\($0)" }
        XCTAssertEqual(names.count, 6)
        for suite in InboundCipherPolicy.forwardSecretSuites {
            let raw = suite.rawValue
            XCTAssertTrue([0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8, 0xCCA9].contains(raw), "unexpected suite \(raw)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        InboundCipherPolicy.forwardSecret.apply(to: &tls)
        XCTAssertEqual(tls.minimumTLSVersion, .tlsv12)
        XCTAssertFalse(tls.cipherSuites.contains("CBC"), tls.cipherSuites)
        XCTAssertFalse(tls.cipherSuites.contains("TLS_RSA_"), tls.cipherSuites)
        XCTAssertEqual(tls.cipherSuites.split(separator: ":").count, 6, tls.cipherSuites)
        var wide = TLSConfiguration.makeClientConfiguration()
        InboundCipherPolicy.wide.apply(to: &wide)
        XCTAssertEqual(wide.cipherSuites, TLSConfiguration.makeClientConfiguration().cipherSuites, "wide keeps the library's list")
        XCTAssertEqual(wide.minimumTLSVersion, .tlsv12)
    }
}
