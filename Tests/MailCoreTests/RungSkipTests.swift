// Tests for RungSkip and MethodChoice: the exact words an admin reads for each skipped rung,
// stable unique codes, a Codable round trip, and the one-line rendering for audit and `queue show`.

import Foundation
import XCTest
@testable import MailCore

final class RungSkipTests: XCTestCase {
    /// 2026-10-01 23:30 UTC: the day is printed in UTC, not rounded.
    let october1 = Date(timeIntervalSince1970: TimeInterval(CivilCalendar.days(year: 2026, month: 10, day: 1)) * 86_400 + 84_600)

    var all: [(RungSkip, String)] {
        [
            (.noKey(.smime), "smime: no certificate on file"),
            (.noKey(.pgp), "pgp: no key on file"),
            (.keyExpired(.pgp, keyID: "0xABCD", on: october1), "pgp: key 0xABCD expired 2026-10-01"),
            (.keyExpired(.smime, keyID: "serial 0x1F", on: october1), "smime: certificate serial 0x1F expired 2026-10-01"),
            (.keyUnusable(.pgp, reason: "no encryption-capable subkey"), "pgp: key unusable (no encryption-capable subkey)"),
            (.keyUnusable(.smime, reason: "no keyEncipherment"), "smime: certificate unusable (no keyEncipherment)"),
            (.encryptFailed(.smime, reason: "CMS_encrypt failed"), "smime: encryption failed (CMS_encrypt failed)"),
            (.noSTARTTLS(host: "mx1.example.net"), "tls: mx1.example.net offered no STARTTLS"),
            (.handshakeFailed(host: "mx1.example.net", reason: "handshake timed out"),
             "tls: handshake with mx1.example.net failed (handshake timed out)"),
            (.certificateNotVerified(reason: "self-signed"), "tls: certificate not verified (self-signed)"),
            (.versionBelowMinimum(seen: .tls1_1, minimum: .tls1_2), "tls: TLS 1.1 below the minimum 1.2"),
            (.versionBelowMinimum(seen: .tls1_0, minimum: .tls1_3), "tls: TLS 1.0 below the minimum 1.3"),
            (.versionUnknown(seen: "0x7f1c", minimum: .tls1_2), "tls: TLS version 0x7f1c unknown, the minimum is 1.2"),
            (.trustMismatch(host: "mx1.example.net", reason: "DANE: no TLSA record matched"),
             "tls: mx1.example.net failed DANE/MTA-STS (DANE: no TLSA record matched)"),
            (.requirementUnmet(host: "mx1.example.net", reason: "TLS required but the connection was not encrypted"),
             "tls: mx1.example.net does not meet the requirement (TLS required but the connection was not encrypted)"),
            (.portalNotConfigured, "portal: not configured"),
            (.notAllowed(.smime), "smime: not allowed by policy (certificate on file)"),
            (.notAllowed(.pgp), "pgp: not allowed by policy (key on file)"),
        ]
    }

    func testWording() {
        for (skip, text) in all { XCTAssertEqual(skip.description, text) }
    }

    func testCodesAreStable() {
        let codes = Dictionary(all.map { ($0.0.code, 1) }, uniquingKeysWith: +).keys.sorted()
        XCTAssertEqual(codes, ["certificate-not-verified", "encrypt-failed", "key-expired", "key-unusable", "no-key",
                               "no-starttls", "not-allowed", "portal-not-configured", "tls-handshake-failed",
                               "tls-requirement-unmet", "tls-trust-mismatch", "tls-version-below-minimum",
                               "tls-version-unknown"])
    }

    func testMethodOfEachSkip() {
        XCTAssertEqual(RungSkip.noKey(.pgp).method, .pgp)
        XCTAssertEqual(RungSkip.certificateNotVerified(reason: "x").method, .tls)
        XCTAssertEqual(RungSkip.portalNotConfigured.method, .portal)
        XCTAssertEqual(RungSkip.notAllowed(.smime).method, .smime)
        for (skip, text) in all { XCTAssertTrue(text.hasPrefix(skip.method.rawValue + ": "), text) }
    }

    func testCodableRoundTrip() throws {
        let choice = MethodChoice(outcome: .deferred, fallback: .portal, skips: all.map(\.0))
        let back = try JSONDecoder().decode(MethodChoice.self, from: JSONEncoder().encode(choice))
        XCTAssertEqual(back, choice)
    }

    func testLineForAChosenMethod() {
        XCTAssertEqual(MethodChoice(outcome: .method(.smime)).line, "method=smime")
        let tls = MethodChoice(outcome: .method(.tls), skips: [.noKey(.smime), .keyExpired(.pgp, keyID: "0xABCD", on: october1)])
        XCTAssertEqual(tls.line, "method=tls; skipped: smime: no certificate on file; pgp: key 0xABCD expired 2026-10-01")
        XCTAssertNil(tls.failureReason)
        XCTAssertEqual(tls.transport, .policy)
        XCTAssertEqual(MethodChoice(outcome: .method(.pgp)).transport, .destinationLevel)
    }

    func testLineForTheFallbacks() {
        let skips: [RungSkip] = [.noKey(.smime), .noSTARTTLS(host: "mx1.example.net")]
        XCTAssertEqual(MethodChoice(outcome: .method(.portal), fallback: .portal, skips: skips).line,
                       "method=portal; otherwise=portal; skipped: smime: no certificate on file; tls: mx1.example.net offered no STARTTLS")
        let deferred = MethodChoice(outcome: .deferred, fallback: .portal, skips: skips + [.portalNotConfigured])
        XCTAssertEqual(deferred.line, "method=none; outcome=deferred (otherwise: portal); skipped: smime: no certificate on file; "
                       + "tls: mx1.example.net offered no STARTTLS; portal: not configured")
        XCTAssertEqual(deferred.failureReason, "no allowed delivery method: smime: no certificate on file; "
                       + "tls: mx1.example.net offered no STARTTLS; portal: not configured")
        XCTAssertEqual(deferred.transport, .noDelivery)
        XCTAssertEqual(MethodChoice(outcome: .bounced, fallback: .bounce).line, "method=none; outcome=bounced (otherwise: bounce)")
        XCTAssertEqual(MethodChoice(outcome: .bounced, fallback: .bounce).failureReason, "no allowed delivery method: no method allowed")
    }

    func testVersionNumbers() {
        XCTAssertEqual(TLSProtocolVersion.allCases.map(\.number), ["1.0", "1.1", "1.2", "1.3"])
    }
}
