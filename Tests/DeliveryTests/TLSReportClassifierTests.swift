// TLSReportClassifier: the RFC 8460 facts of a session from its plan and report: policy type and strings,
// success, and each shortfall's result type; sessions that say nothing about TLS give none.

import DNS
import Foundation
import MailCore
import TLSPolicy
import XCTest
@testable import Delivery

final class TLSReportClassifierTests: XCTestCase {
    let recipient = RecipientSpec(address: try! MailAddressParser.parse("a@example.com", allowUTF8: true))
    let sts = MTASTSPolicy(mode: .enforce, mx: ["*.mail.example.com"], maxAge: 86400)

    func report(tls: TLSFacts? = nil, reply: Bool = true, policy: TLSReportPolicy?, shortfall: TLSOutcome.Measurement? = nil,
                fallback: String? = nil) -> AttemptReport {
        let result = RecipientResult(index: 0, recipient: recipient, outcome: .delivered,
                                     reply: reply ? SMTPReply(250, EnhancedStatus(2, 0, 0), "ok") : nil, status: EnhancedStatus(2, 0, 0))
        var r = AttemptReport(relayHost: "mx1.mail.example.com", relayIP: "192.0.2.25", relayPort: 25, tls: tls,
                              tlsFallbackReason: fallback, results: [result])
        r.tlsReportPolicy = policy
        r.tlsShortfall = shortfall.map { TLSOutcome(host: "mx1.mail.example.com", requirement: TLSRequirement(encrypted: true), measured: $0) }
        return r
    }

    func facts(_ verification: MailCore.CertificateVerification, version: String = "TLSv1.3") -> TLSFacts {
        TLSFacts(version: version, cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256, verification: verification)
    }

    func testThePlanNamesThePolicy() {
        let dane = TLSPlan(requirement: TLSRequirement(encrypted: true), daneRecords: [TLSARecord(usage: 3, selector: 1, matchingType: 1,
                                                                                                  data: [0xAB, 0x01])])
        XCTAssertEqual(TLSReportClassifier.policy(dane, domain: "example.com", mx: "mx", attempted: true),
                       TLSReportPolicy(type: .tlsa, domain: "example.com", strings: ["3 1 1 AB01"]))
        let withSTS = TLSPlan(requirement: TLSRequirement(encrypted: true), mtaSTS: sts)
        XCTAssertEqual(TLSReportClassifier.policy(withSTS, domain: "example.com", mx: "mx", attempted: true).strings,
                       ["version: STSv1", "mode: enforce", "mx: *.mail.example.com", "max_age: 86400"])
        XCTAssertEqual(TLSReportClassifier.policy(TLSPlan(requirement: .opportunistic), domain: "example.com", mx: "mx",
                                                  attempted: true).type, .noPolicyFound)
    }

    func testSessionsAreClassified() {
        let stsPolicy = TLSReportClassifier.stsPolicy(sts, domain: "example.com")
        XCTAssertNil(TLSReportClassifier.facts(report(tls: facts(.verified(trust: .pkix)), policy: nil)), "no policy recorded")
        XCTAssertEqual(TLSReportClassifier.facts(report(tls: facts(.verified(trust: .mtaSTS)), policy: stsPolicy))?.success, true)
        let cases: [(AttemptReport, TLSReportFacts.ResultType)] = [
            (report(policy: stsPolicy, shortfall: .noSTARTTLS), .starttlsNotSupported),
            (report(policy: stsPolicy, shortfall: .handshakeFailed(reason: "alert 40")), .validationFailure),
            (report(tls: facts(.failed(reason: "certificate has expired")), policy: stsPolicy,
                    shortfall: .negotiated(facts(.failed(reason: "certificate has expired")))), .certificateExpired),
            (report(tls: facts(.failed(reason: "unable to get local issuer certificate")), policy: stsPolicy), .stsWebPKIInvalid),
            (report(policy: TLSReportPolicy(type: .noPolicyFound, domain: "example.com")), .starttlsNotSupported),
            (report(policy: TLSReportPolicy(type: .noPolicyFound, domain: "example.com"), fallback: "alert 80"), .validationFailure),
            (report(reply: false, policy: TLSReportClassifier.unplannedPolicy(domain: "example.com", mtaSTS: nil,
                                                                             reason: "TLSA RRset _25._tcp.mx is DNSSEC-bogus")!),
             .dnssecInvalid),
        ]
        for (n, (r, expected)) in cases.enumerated() {
            let f = TLSReportClassifier.facts(r)
            XCTAssertEqual(f?.success, false, "case \(n)")
            XCTAssertEqual(f?.resultType, expected, "case \(n)")
        }
        let mx = TLSReportClassifier.unplannedPolicy(domain: "example.com", mtaSTS: sts, reason: "MX mx9 not allowed by MTA-STS policy")!
        XCTAssertEqual(mx.type, .sts)
        XCTAssertNil(TLSReportClassifier.unplannedPolicy(domain: "example.com", mtaSTS: nil,
                                                         reason: "REQUIRETLS: MX of example.com is not DNSSEC-signed"),
                     "a REQUIRETLS refusal is no TLS policy's failure")
        XCTAssertEqual(TLSReportClassifier.facts(report(reply: false, policy: mx))?.resultType, .validationFailure)
        // Plaintext at level none (never tried), or a connection that ended before any reply: not a TLS session.
        XCTAssertNil(TLSReportClassifier.facts(report(policy: TLSReportPolicy(type: .noPolicyFound, domain: "e", attempted: false))))
        XCTAssertNil(TLSReportClassifier.facts(report(reply: false, policy: TLSReportPolicy(type: .noPolicyFound, domain: "e"))))
        // A no-policy session over TLS is a success whatever the certificate.
        XCTAssertEqual(TLSReportClassifier.facts(report(tls: facts(.failed(reason: "self signed")),
                                                        policy: TLSReportPolicy(type: .noPolicyFound, domain: "e")))?.success, true)
    }
}
