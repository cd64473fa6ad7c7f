// The `tls` rung as `policy explain --probe` prints it: a measured TLSOutcome's line, the ladder lines
// with it in place, and the shipped PHI ladder's choice, for met, no STARTTLS, old TLS, unverified and DANE mismatch.

import Foundation
import MailCore
import XCTest
@testable import Delivery

final class TLSOutcomeExplainTests: XCTestCase {
    static let mx = "mx1.example.net"
    /// `tls: verify, min_tls: "1.2"` under a destination at level dane: DANE-authenticated, 1.2 or better.
    static let dane12 = TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA], minimumVersion: .tls1_2)
    static let verify12 = TLSRequirement(encrypted: true, authenticatedBy: [.pkix], minimumVersion: .tls1_2)
    static let noKeys = "skipped: smime: no certificate on file; pgp: no key on file"

    /// The shipped PHI rule's ladder for a recipient with no keys: [smime, pgp, tls, portal], otherwise portal, no portal.
    let phiLadder = MethodLadder.plan(methods: [.smime, .pgp, .tls, .portal], otherwise: .portal, keys: { _ in .missing },
                                      portalConfigured: false)

    static func negotiated(_ version: String, _ verification: CertificateVerification, _ r: TLSRequirement) -> TLSOutcome {
        TLSOutcome(host: mx, requirement: r, measured: .negotiated(TLSFacts(version: version, cipher: "TLS_AES_256_GCM_SHA384",
                                                                          bits: 256, algorithmBits: 256, verification: verification)))
    }

    struct Case {
        var name: String
        var outcome: TLSOutcome
        var line: String
        var choice: String
    }

    static let deferredToPortal = "method=none; outcome=deferred (otherwise: portal); " + noKeys

    let cases: [Case] = [
        Case(name: "met: TLS 1.3, DANE-EE",
             outcome: negotiated("TLSv1.3", .verified(trust: .daneEE), dane12),
             line: "tls: mx1.example.net TLS 1.3, certificate verified (dane-ee): meets the requirement",
             choice: "method=tls; " + noKeys),
        Case(name: "met: TLS 1.2, PKIX",
             outcome: negotiated("TLSv1.2", .verified(trust: .pkix), verify12),
             line: "tls: mx1.example.net TLS 1.2, certificate verified (pkix): meets the requirement",
             choice: "method=tls; " + noKeys),
        Case(name: "no STARTTLS",
             outcome: TLSOutcome(host: mx, requirement: verify12, measured: .noSTARTTLS),
             line: "tls: mx1.example.net offered no STARTTLS",
             choice: deferredToPortal + "; tls: mx1.example.net offered no STARTTLS; portal: not configured"),
        Case(name: "TLS 1.1 below the minimum 1.2",
             outcome: negotiated("TLSv1.1", .verified(trust: .pkix), verify12),
             line: "tls: TLS 1.1 below the minimum 1.2",
             choice: deferredToPortal + "; tls: TLS 1.1 below the minimum 1.2; portal: not configured"),
        Case(name: "certificate not verified (self-signed)",
             outcome: negotiated("TLSv1.3", .failed(reason: "self-signed certificate"), verify12),
             line: "tls: certificate not verified (self-signed certificate)",
             choice: deferredToPortal + "; tls: certificate not verified (self-signed certificate); portal: not configured"),
        Case(name: "DANE mismatch",
             outcome: negotiated("TLSv1.3", .failed(reason: "DANE: no TLSA record matched"), dane12),
             line: "tls: mx1.example.net failed DANE/MTA-STS (DANE: no TLSA record matched)",
             choice: deferredToPortal + "; tls: mx1.example.net failed DANE/MTA-STS (DANE: no TLSA record matched); portal: not configured"),
        Case(name: "opportunistic: no STARTTLS is allowed",
             outcome: TLSOutcome(host: mx, requirement: .opportunistic, measured: .noSTARTTLS),
             line: "tls: mx1.example.net offered no STARTTLS, plaintext: meets the requirement",
             choice: "method=tls; " + noKeys),
    ]

    func testEachMeasuredOutcomeRendersItsLineAndTheLadderChoice() {
        for c in cases {
            XCTAssertEqual(c.outcome.explainLine, c.line, c.name)
            XCTAssertEqual(phiLadder.afterTLS(outcome: c.outcome).line, c.choice, c.name)
        }
    }

    func testTheMeasuredLineTakesTheTLSRungsPlaceInTheLadderLines() {
        let line = cases[0].line
        XCTAssertEqual(phiLadder.explainLines(tls: line),
                       ["smime: no certificate on file", "pgp: no key on file", line, "portal: not configured", "otherwise: portal"])
        XCTAssertEqual(phiLadder.explainLines[2], "tls: decided at connect time")
    }

    /// The line says "meets the requirement" exactly when the ladder chooses tls (one verdict, TLSRequirement's).
    func testTheLineSaysMetExactlyWhenTheLadderChoosesTLS() {
        for c in cases {
            let met = c.outcome.explainLine.hasSuffix(": meets the requirement")
            XCTAssertEqual(met, phiLadder.afterTLS(outcome: c.outcome).method == .tls, c.name)
            XCTAssertEqual(met, c.outcome.meetsRequirement, c.name)
        }
    }

    func testUnreadableVersionAndUncheckedCertificateAreNamed() {
        let open = TLSRequirement(encrypted: true)
        XCTAssertEqual(Self.negotiated("0x7f1c", .none, open).explainLine,
                       "tls: mx1.example.net TLS version 0x7f1c, certificate not checked: meets the requirement")
        XCTAssertEqual(Self.negotiated("TLSv1.3", .none, Self.verify12).explainLine,
                       "tls: certificate not verified (no certificate checked)")
    }
}
