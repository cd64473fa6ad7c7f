// Tests for MethodLadder: a table of recipients (keys, TLS outcome, portal, `otherwise`, method
// order) with the exact choice and skip wording, and exhaustive properties: TLS never below the requirement.

import Foundation
import MailCore
import XCTest
@testable import Delivery

final class MethodLadderTests: XCTestCase {
    static let mx = "mx1.example.net"
    static let october1 = Date(timeIntervalSince1970: TimeInterval(CivilCalendar.days(year: 2026, month: 10, day: 1)) * 86_400)
    /// `tls: verify, min_tls: "1.2"`: encrypted, PKIX-authenticated, 1.2 or better.
    static let verify12 = TLSRequirement(encrypted: true, authenticatedBy: [.pkix], minimumVersion: .tls1_2)
    static let daneOnly = TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA])

    static func facts(_ version: String, _ verification: CertificateVerification) -> TLSFacts {
        TLSFacts(version: version, cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256, verification: verification)
    }

    static func outcome(_ m: TLSOutcome.Measurement, _ r: TLSRequirement = verify12, requireTLS: Bool = false) -> TLSOutcome {
        TLSOutcome(host: mx, requirement: r, requireTLS: requireTLS, measured: m)
    }

    static let tlsMet = outcome(.negotiated(facts("TLSv1.3", .verified(trust: .pkix))))
    static let tlsOld = outcome(.negotiated(facts("TLSv1.1", .verified(trust: .pkix))))
    static let selfSigned = outcome(.negotiated(facts("TLSv1.3", .failed(reason: "self-signed"))))
    static let noSTARTTLS = outcome(.noSTARTTLS)

    /// Every measurement that matters, each against a strict and an opportunistic requirement, and under REQUIRETLS.
    static let outcomes: [TLSOutcome] = {
        let measured: [TLSOutcome.Measurement] = [
            .notAttempted, .noSTARTTLS, .handshakeFailed(reason: "handshake timed out"),
            .hopUnusable(reason: "MTA-STS policy does not list mx1.example.net"),
            .negotiated(facts("TLSv1.3", .verified(trust: .pkix))), .negotiated(facts("TLSv1.2", .verified(trust: .daneEE))),
            .negotiated(facts("TLSv1.1", .verified(trust: .pkix))), .negotiated(facts("0x7f1c", .verified(trust: .pkix))),
            .negotiated(facts("TLSv1.3", .failed(reason: "self-signed"))),
            .negotiated(facts("TLSv1.3", .failed(reason: "DANE: no TLSA record matched"))),
            .negotiated(facts("TLSv1.3", .none)),
        ]
        let requirements = [verify12, daneOnly, TLSRequirement(encrypted: true), TLSRequirement.opportunistic]
        return measured.flatMap { m in requirements.map { outcome(m, $0) } + [outcome(m, .opportunistic, requireTLS: true)] }
    }()

    struct Case {
        var name: String
        var methods: [DeliveryMethod] = [.smime, .pgp, .tls, .portal]
        var otherwise: FallbackAction = .defer
        var smime: KeyAvailability = .missing
        var pgp: KeyAvailability = .missing
        var portal = false
        var tls: TLSOutcome = MethodLadderTests.tlsMet
        var want: MethodChoice.Outcome
        var fallback: FallbackAction? = nil
        var skips: [String] = []
        /// Decided from the key store alone, before any connection.
        var beforeConnect = false
    }

    static let noKeys = ["smime: no certificate on file", "pgp: no key on file"]

    let table: [Case] = [
        Case(name: "no keys, TLS below the minimum, portal configured", otherwise: .portal, portal: true, tls: tlsOld,
             want: .method(.portal), skips: noKeys + ["tls: TLS 1.1 below the minimum 1.2"]),
        Case(name: "no keys, TLS below the minimum, no portal, otherwise portal", otherwise: .portal, tls: tlsOld,
             want: .deferred, fallback: .portal, skips: noKeys + ["tls: TLS 1.1 below the minimum 1.2", "portal: not configured"]),
        Case(name: "no keys, no STARTTLS, no portal, otherwise bounce", otherwise: .bounce, tls: noSTARTTLS,
             want: .bounced, fallback: .bounce, skips: noKeys + ["tls: mx1.example.net offered no STARTTLS", "portal: not configured"]),
        Case(name: "no keys, self-signed, no portal, otherwise defer", tls: selfSigned,
             want: .deferred, fallback: .defer, skips: noKeys + ["tls: certificate not verified (self-signed)", "portal: not configured"]),
        Case(name: "no keys, TLS met", want: .method(.tls), skips: noKeys),
        Case(name: "valid S/MIME certificate: smime, no TLS rung", smime: .available(keyID: "0x1F"), tls: noSTARTTLS,
             want: .method(.smime), beforeConnect: true),
        Case(name: "S/MIME expired, PGP valid", smime: .expired(keyID: "serial 0x1F", on: october1), pgp: .available(keyID: "0xABCD"),
             tls: noSTARTTLS, want: .method(.pgp), skips: ["smime: certificate serial 0x1F expired 2026-10-01"], beforeConnect: true),
        Case(name: "PGP expired, S/MIME missing, TLS met", pgp: .expired(keyID: "0xABCD", on: october1),
             want: .method(.tls), skips: ["smime: no certificate on file", "pgp: key 0xABCD expired 2026-10-01"]),
        Case(name: "PGP unusable, TLS old, portal configured",
             pgp: .unusable(reason: "no encryption-capable subkey"), portal: true, tls: tlsOld, want: .method(.portal),
             skips: ["smime: no certificate on file", "pgp: key unusable (no encryption-capable subkey)", "tls: TLS 1.1 below the minimum 1.2"]),
        Case(name: "[pgp, smime] with both keys: pgp first", methods: [.pgp, .smime],
             smime: .available(keyID: "0x1F"), pgp: .available(keyID: "0xABCD"), want: .method(.pgp), beforeConnect: true),
        Case(name: "[pgp, smime] with an expired PGP key", methods: [.pgp, .smime],
             smime: .available(keyID: "0x1F"), pgp: .expired(keyID: "0xABCD", on: october1), want: .method(.smime),
             skips: ["pgp: key 0xABCD expired 2026-10-01"], beforeConnect: true),
        Case(name: "[pgp, smime] without keys, otherwise bounce", methods: [.pgp, .smime], otherwise: .bounce,
             want: .bounced, fallback: .bounce, skips: ["pgp: no key on file", "smime: no certificate on file"], beforeConnect: true),
        Case(name: "[tls] only with a certificate on file: key ignored", methods: [.tls], smime: .available(keyID: "0x1F"),
             want: .method(.tls), skips: ["smime: not allowed by policy (certificate on file)"]),
        Case(name: "[tls] only with both keys, no STARTTLS", methods: [.tls], smime: .available(keyID: "0x1F"),
             pgp: .available(keyID: "0xABCD"), tls: noSTARTTLS, want: .deferred, fallback: .defer,
             skips: ["smime: not allowed by policy (certificate on file)", "pgp: not allowed by policy (key on file)",
                     "tls: mx1.example.net offered no STARTTLS"]),
        Case(name: "[tls, smime]: TLS fails, smime in the same pass", methods: [.tls, .smime], smime: .available(keyID: "0x1F"),
             tls: tlsOld, want: .method(.smime), skips: ["tls: TLS 1.1 below the minimum 1.2"]),
        Case(name: "[tls, smime]: TLS met", methods: [.tls, .smime], smime: .available(keyID: "0x1F"), want: .method(.tls)),
        Case(name: "no portal rung, otherwise portal, configured", methods: [.smime, .pgp, .tls], otherwise: .portal,
             portal: true, tls: noSTARTTLS, want: .method(.portal), fallback: .portal,
             skips: noKeys + ["tls: mx1.example.net offered no STARTTLS"]),
        Case(name: "no portal rung, otherwise portal, not configured", methods: [.smime, .pgp, .tls], otherwise: .portal,
             tls: noSTARTTLS, want: .deferred, fallback: .portal,
             skips: noKeys + ["tls: mx1.example.net offered no STARTTLS", "portal: not configured"]),
        Case(name: "[portal] only, configured", methods: [.portal], portal: true, tls: noSTARTTLS,
             want: .method(.portal), beforeConnect: true),
        Case(name: "[portal] only, not configured, otherwise bounce", methods: [.portal], otherwise: .bounce,
             want: .bounced, fallback: .bounce, skips: ["portal: not configured"], beforeConnect: true),
        Case(name: "portal before tls", methods: [.portal, .tls], portal: true, want: .method(.portal), beforeConnect: true),
        Case(name: "duplicates count once", methods: [.smime, .smime, .tls, .tls], otherwise: .bounce, tls: noSTARTTLS,
             want: .bounced, fallback: .bounce, skips: ["smime: no certificate on file", "tls: mx1.example.net offered no STARTTLS"]),
        Case(name: "DANE mismatch", tls: outcome(.negotiated(facts("TLSv1.3", .failed(reason: "DANE: no TLSA record matched"))), daneOnly),
             want: .deferred, fallback: .defer,
             skips: noKeys + ["tls: mx1.example.net failed DANE/MTA-STS (DANE: no TLSA record matched)", "portal: not configured"]),
        Case(name: "MTA-STS: MX not listed", tls: outcome(.hopUnusable(reason: "MTA-STS policy does not list mx1.example.net")),
             want: .deferred, fallback: .defer,
             skips: noKeys + ["tls: mx1.example.net failed DANE/MTA-STS (MTA-STS policy does not list mx1.example.net)",
                              "portal: not configured"]),
        Case(name: "PKIX where DANE is required", tls: outcome(.negotiated(facts("TLSv1.3", .verified(trust: .pkix))), daneOnly),
             want: .deferred, fallback: .defer,
             skips: noKeys + ["tls: mx1.example.net failed DANE/MTA-STS (authenticated by pkix, the requirement accepts only dane-ee, dane-ta)",
                              "portal: not configured"]),
        Case(name: "opportunistic requirement, no STARTTLS: plaintext allowed", tls: outcome(.noSTARTTLS, .opportunistic),
             want: .method(.tls), skips: noKeys),
        Case(name: "REQUIRETLS, no STARTTLS", tls: outcome(.noSTARTTLS, .opportunistic, requireTLS: true),
             want: .deferred, fallback: .defer,
             skips: noKeys + ["tls: mx1.example.net offered no STARTTLS", "portal: not configured"]),
        Case(name: "handshake failed", tls: outcome(.handshakeFailed(reason: "handshake timed out")), want: .deferred, fallback: .defer,
             skips: noKeys + ["tls: handshake with mx1.example.net failed (handshake timed out)", "portal: not configured"]),
        Case(name: "no methods at all", methods: [], otherwise: .bounce, smime: .available(keyID: "0x1F"), want: .bounced,
             fallback: .bounce, skips: ["smime: not allowed by policy (certificate on file)"], beforeConnect: true),
    ]

    func plan(_ c: Case) -> LadderPlan {
        MethodLadder.plan(methods: c.methods, otherwise: c.otherwise,
                          keys: { $0 == .smime ? c.smime : $0 == .pgp ? c.pgp : .missing }, portalConfigured: c.portal)
    }

    func testTable() {
        for c in table {
            let p = plan(c)
            let choice = p.afterTLS(outcome: c.tls)
            XCTAssertEqual(choice.outcome, c.want, c.name)
            XCTAssertEqual(choice.fallback, c.fallback, c.name)
            XCTAssertEqual(choice.skips.map(\.description), c.skips, c.name)
            XCTAssertEqual(p.needsTLSMeasurement, !c.beforeConnect, c.name)
            if c.beforeConnect { XCTAssertEqual(p.beforeConnect, choice, "\(c.name): the same choice without measuring") }
        }
    }

    func testTLSBelowTheRequirementNeverYieldsTLS() {
        let orders = Self.orderedSubsets(of: DeliveryMethod.allCases)
        let keyStates: [KeyAvailability] = [.missing, .available(keyID: "0x1"), .expired(keyID: "0x2", on: Self.october1),
                                            .unusable(reason: "revoked")]
        var checked = 0, unmetSeen = 0, metSeen = 0
        for methods in orders {
            for otherwise in FallbackAction.allCases {
                for smime in keyStates {
                    for pgp in keyStates {
                        for portal in [false, true] {
                            let p = MethodLadder.plan(methods: methods, otherwise: otherwise,
                                                      keys: { $0 == .smime ? smime : $0 == .pgp ? pgp : .missing },
                                                      portalConfigured: portal)
                            for outcome in Self.outcomes {
                                let choice = p.afterTLS(outcome: outcome)
                                checked += 1
                                if outcome.meetsRequirement { metSeen += 1 } else { unmetSeen += 1 }
                                let reqNotMet = outcome.requirement.unmetReason(Self.negotiatedFacts(outcome)) != nil
                                    || (outcome.requireTLS && Self.negotiatedFacts(outcome) == nil)
                                    || { if case .hopUnusable = outcome.measured { return true }; return false }()
                                if choice.method == .tls {
                                    XCTAssertFalse(reqNotMet, "tls chosen below the requirement: \(methods) \(outcome)")
                                    XCTAssertTrue(methods.contains(.tls))
                                }
                                if choice.method == .smime { XCTAssertTrue(smime.isAvailable && methods.contains(.smime)) }
                                if choice.method == .pgp { XCTAssertTrue(pgp.isAvailable && methods.contains(.pgp)) }
                                if choice.method == .portal {
                                    XCTAssertTrue(portal)
                                    XCTAssertTrue(methods.contains(.portal) || otherwise == .portal)
                                }
                                if choice.method == nil || choice.fallback != nil {
                                    XCTAssertEqual(choice.fallback, otherwise, "a fallback is always policy's otherwise")
                                }
                                // Every allowed rung before the chosen one was skipped, with a reason, in order.
                                let allowed = Self.unique(methods)
                                let before = choice.fallback == nil ? Array(allowed.prefix { $0 != choice.method }) : allowed
                                let skippedAllowed = choice.skips.filter { if case .notAllowed = $0 { return false }; return true }
                                XCTAssertEqual(skippedAllowed.map(\.method), before + (choice.outcome == .deferred
                                    && otherwise == .portal && !portal && !allowed.contains(.portal) ? [.portal] : []),
                                               "\(methods) \(otherwise) \(choice.line)")
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(unmetSeen, 0)
        XCTAssertGreaterThan(metSeen, 0)
        XCTAssertEqual(checked, 65 * 3 * 16 * 2 * Self.outcomes.count)
    }

    func testThePlanIsPerRecipient() {
        let decision = Decision(methods: [.smime, .pgp, .tls, .portal], fallback: .defer,
                                trace: DecisionTrace(rule: "10-phi.yaml:5 phi", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1))
        let store: [String: [DeliveryMethod: KeyAvailability]] = [
            "alice@example.net": [.smime: .available(keyID: "0x1F")],
            "bob@example.net": [.pgp: .available(keyID: "0xABCD")],
        ]
        func choice(_ address: String) -> MethodChoice {
            MethodLadder.plan(decision: decision, keys: { store[address]?[$0] ?? .missing }, portalConfigured: false)
                .afterTLS(outcome: Self.tlsOld)
        }
        XCTAssertEqual(choice("alice@example.net").line, "method=smime")
        XCTAssertEqual(choice("bob@example.net").line, "method=pgp; skipped: smime: no certificate on file")
        XCTAssertEqual(choice("carol@example.net").line,
                       "method=none; outcome=deferred (otherwise: defer); skipped: smime: no certificate on file; "
                       + "pgp: no key on file; tls: TLS 1.1 below the minimum 1.2; portal: not configured")
    }

    func testEncryptFailureMovesToTheNextRung() {
        let p = MethodLadder.plan(methods: [.smime, .pgp, .tls], otherwise: .bounce,
                                  keys: { $0 == .smime ? .available(keyID: "0x1F") : .missing }, portalConfigured: false)
        XCTAssertEqual(p.beforeConnect?.method, .smime)
        let after = p.skipping(.smime, because: .encryptFailed(.smime, reason: "unsupported key type"))
        XCTAssertTrue(after.needsTLSMeasurement)
        XCTAssertEqual(after.afterTLS(outcome: Self.tlsMet).line,
                       "method=tls; skipped: smime: encryption failed (unsupported key type); pgp: no key on file")
        XCTAssertEqual(after.afterTLS(outcome: Self.noSTARTTLS).outcome, .bounced)
    }

    func testExplainLines() {
        let p = MethodLadder.plan(methods: [.smime, .pgp, .tls, .portal], otherwise: .portal,
                                  keys: { $0 == .smime ? .available(keyID: "0x1F") : .expired(keyID: "0xABCD", on: Self.october1) },
                                  portalConfigured: false)
        XCTAssertEqual(p.explainLines, ["smime: certificate 0x1F on file", "pgp: key 0xABCD expired 2026-10-01",
                                        "tls: decided at connect time", "portal: not configured", "otherwise: portal"])
    }

    func testTheKeyStoreIsAskedOnlyForKeyMethods() {
        var asked: [DeliveryMethod] = []
        _ = MethodLadder.plan(methods: [.tls, .portal, .pgp], otherwise: .defer,
                              keys: { asked.append($0); return .missing }, portalConfigured: true)
        XCTAssertEqual(Set(asked), [.smime, .pgp])
    }

    func testOutcomeWording() {
        XCTAssertNil(Self.tlsMet.unmet)
        XCTAssertEqual(Self.outcome(.negotiated(Self.facts("0x7f1c", .verified(trust: .pkix)))).unmet?.description,
                       "tls: TLS version 0x7f1c unknown, the minimum is 1.2")
        XCTAssertEqual(Self.outcome(.negotiated(Self.facts("TLSv1.3", .none))).unmet?.description,
                       "tls: certificate not verified (no certificate checked)")
        XCTAssertEqual(Self.outcome(.notAttempted).unmet?.description,
                       "tls: mx1.example.net does not meet the requirement (TLS required but the connection was not encrypted)")
        XCTAssertNil(Self.outcome(.notAttempted, .opportunistic).unmet)
        XCTAssertNil(Self.outcome(.handshakeFailed(reason: "x"), .opportunistic).unmet, "may: plaintext retry allowed")
        XCTAssertNotNil(Self.outcome(.hopUnusable(reason: "x"), .opportunistic).unmet)
    }

    // MARK: helpers

    static func negotiatedFacts(_ o: TLSOutcome) -> TLSFacts? {
        if case .negotiated(let f) = o.measured { return f }
        return nil
    }

    static func unique(_ methods: [DeliveryMethod]) -> [DeliveryMethod] {
        var seen: Set<DeliveryMethod> = []
        return methods.filter { seen.insert($0).inserted }
    }

    /// Every ordered selection without repetition (the policy parser refuses duplicates): 65 for 4 methods.
    static func orderedSubsets(of items: [DeliveryMethod]) -> [[DeliveryMethod]] {
        var out: [[DeliveryMethod]] = [[]]
        for (i, item) in items.enumerated() {
            var rest = items
            rest.remove(at: i)
            out += orderedSubsets(of: rest).map { [item] + $0 }
        }
        return out
    }
}
