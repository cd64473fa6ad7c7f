// TLSPlanner: every level against secure and insecure MX RRsets and every kind of TLSA answer,
// MTA-STS enforce and testing with allowed and disallowed MX hosts, and DANE winning over MTA-STS.

import DNS
import MailCore
import XCTest
@testable import TLSPolicy

final class TLSPlannerTests: XCTestCase {
    let domain = "partner.test"
    let mx = "mx1.partner.test"

    enum TLSACase: String, CaseIterable {
        case usable, unusable, absent, lookupFailure, bogusError, bogusStatus, insecureAnswer, notLookedUp
    }

    let usableRecord = TLSARecord(usage: 3, selector: 1, matchingType: 1, data: Array(repeating: 7, count: 32))
    let pkixRecord = TLSARecord(usage: 1, selector: 1, matchingType: 1, data: Array(repeating: 9, count: 32))

    func tlsa(_ c: TLSACase) -> Result<DNSAnswer<TLSARecord>, DNSError>? {
        switch c {
        case .usable: return .success(DNSAnswer(records: [usableRecord, pkixRecord], status: .secure, ttl: 300))
        case .unusable: return .success(DNSAnswer(records: [pkixRecord], status: .secure, ttl: 300))
        case .absent: return .success(DNSAnswer(records: [], status: .secure, ttl: 300, nxdomain: true))
        case .lookupFailure: return .failure(.temporary("SERVFAIL"))
        case .bogusError: return .failure(.bogus("RRSIG expired"))
        case .bogusStatus: return .success(DNSAnswer(records: [usableRecord], status: .bogus, ttl: 300))
        case .insecureAnswer: return .success(DNSAnswer(records: [usableRecord], status: .insecure, ttl: 300))
        case .notLookedUp: return nil
        }
    }

    func plan(_ level: TLSLevel, _ mxStatus: DNSSECStatus, _ t: TLSACase, sts: MTASTSPolicy? = nil) -> Result<TLSPlan, DeliveryError> {
        TLSPlanner.plan(level: level, domain: domain, mxHost: mx, mxStatus: mxStatus, tlsa: tlsa(t), mtaSTS: sts)
    }

    func assertPlan(_ result: Result<TLSPlan, DeliveryError>, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) -> TLSPlan? {
        switch result {
        case .success(let p): return p
        case .failure(let e): XCTFail("\(what): unexpected failure \(e)", file: file, line: line); return nil
        }
    }

    func assertFailure(_ result: Result<TLSPlan, DeliveryError>, _ status: String, _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        switch result {
        case .success(let p): XCTFail("\(what): expected \(status), got \(p.requirement)", file: file, line: line)
        case .failure(let e):
            XCTAssertEqual(e.status.description, status, "\(what): \(e.message)", file: file, line: line)
            XCTAssertFalse(e.isPermanent, file: file, line: line)
        }
    }

    // MARK: levels that do not use DANE: TLSA and MX status change nothing

    func testNonDANELevelsIgnoreTLSA() {
        for mxStatus in [DNSSECStatus.secure, .insecure] {
            for t in TLSACase.allCases {
                let what = "\(mxStatus) \(t)"
                if let p = assertPlan(plan(.none, mxStatus, t), "none " + what) {
                    XCTAssertEqual(p.requirement, TLSRequirement(encrypted: false)); XCTAssertTrue(p.daneRecords.isEmpty)
                }
                if let p = assertPlan(plan(.may, mxStatus, t), "may " + what) {
                    XCTAssertEqual(p.requirement, .opportunistic); XCTAssertTrue(p.daneRecords.isEmpty)
                }
                if let p = assertPlan(plan(.encrypt, mxStatus, t), "encrypt " + what) {
                    XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true)); XCTAssertTrue(p.pkixNames.isEmpty)
                }
                if let p = assertPlan(plan(.verify, mxStatus, t), "verify " + what) {
                    XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.pkix]))
                    XCTAssertEqual(p.pkixNames, [mx])
                }
                if let p = assertPlan(plan(.secure, mxStatus, t), "secure " + what) {
                    XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.pkix]))
                    XCTAssertEqual(p.pkixNames, mxStatus == .secure ? [domain, mx] : [domain])
                }
            }
        }
    }

    // MARK: dane and dane-only

    func testDANEWithSecureMX() {
        let daneReq = TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA])
        for level in [TLSLevel.dane, .daneOnly] {
            let only = level == .daneOnly
            if let p = assertPlan(plan(level, .secure, .usable), "\(level) usable") {
                XCTAssertEqual(p.requirement, daneReq)
                XCTAssertEqual(p.daneRecords, [usableRecord], "only the usable record is kept")
                XCTAssertTrue(p.notes.contains("MX secure, 1 usable TLSA (DANE-EE)"), "\(p.notes)")
            }
            if only {
                assertFailure(plan(level, .secure, .unusable), "4.7.5", "dane-only unusable")
                assertFailure(plan(level, .secure, .absent), "4.7.5", "dane-only absent")
                assertFailure(plan(level, .secure, .insecureAnswer), "4.7.5", "dane-only insecure TLSA")
            } else {
                if let p = assertPlan(plan(level, .secure, .unusable), "dane unusable") {
                    XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true), "TLS still mandatory")
                    XCTAssertTrue(p.daneRecords.isEmpty)
                }
                if let p = assertPlan(plan(level, .secure, .absent), "dane absent") {
                    XCTAssertEqual(p.requirement, .opportunistic)
                }
                if let p = assertPlan(plan(level, .secure, .insecureAnswer), "dane insecure TLSA") {
                    XCTAssertEqual(p.requirement, .opportunistic); XCTAssertTrue(p.daneRecords.isEmpty)
                }
            }
            assertFailure(plan(level, .secure, .lookupFailure), "4.4.3", "\(level) lookup failure")
            assertFailure(plan(level, .secure, .notLookedUp), "4.4.3", "\(level) no lookup")
            assertFailure(plan(level, .secure, .bogusError), "4.7.5", "\(level) bogus error")
            assertFailure(plan(level, .secure, .bogusStatus), "4.7.5", "\(level) bogus status")
        }
    }

    func testDANEWithInsecureMX() {
        for t in TLSACase.allCases {
            if let p = assertPlan(plan(.dane, .insecure, t), "dane insecure MX \(t)") {
                XCTAssertEqual(p.requirement, .opportunistic); XCTAssertTrue(p.daneRecords.isEmpty)
            }
            assertFailure(plan(.daneOnly, .insecure, t), "4.7.5", "dane-only insecure MX \(t)")
            if let p = assertPlan(plan(.dane, .indeterminate, t), "dane indeterminate MX \(t)") {
                XCTAssertEqual(p.requirement, .opportunistic)
            }
        }
    }

    func testBogusMXDefersAtEveryLevel() {
        for level in TLSLevel.allCases {
            assertFailure(plan(level, .bogus, .usable), "4.7.5", "\(level) bogus MX")
        }
    }

    func testWantsTLSA() {
        for level in TLSLevel.allCases {
            for status in [DNSSECStatus.secure, .insecure, .bogus, .indeterminate] {
                let expected = (level == .dane || level == .daneOnly) && status == .secure
                XCTAssertEqual(TLSPlanner.wantsTLSA(level: level, mxStatus: status), expected, "\(level) \(status)")
            }
        }
    }

    func testDANERequirementJudgesRealConnections() throws {
        let p = try XCTUnwrap(try plan(.dane, .secure, .usable).get())
        let dane = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128, algorithmBits: 128,
                            verification: .verified(trust: .daneEE))
        var pkix = dane; pkix.verification = .verified(trust: .pkix)
        XCTAssertTrue(p.requirement.isSatisfied(by: dane))
        XCTAssertFalse(p.requirement.isSatisfied(by: pkix))
        XCTAssertFalse(p.requirement.isSatisfied(by: nil))
    }

    // MARK: MTA-STS

    let enforce = MTASTSPolicy(mode: .enforce, mx: ["*.partner.test"], maxAge: 86400)
    let enforceOther = MTASTSPolicy(mode: .enforce, mx: ["mx.elsewhere.test"], maxAge: 86400)
    let testing = MTASTSPolicy(mode: .testing, mx: ["mx.elsewhere.test"], maxAge: 86400)

    func testMTASTSEnforceAllowedMXRaisesEveryLevel() {
        for level in [TLSLevel.none, .may, .encrypt] {
            if let p = assertPlan(plan(level, .insecure, .notLookedUp, sts: enforce), "\(level) enforce") {
                XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.mtaSTS]))
                XCTAssertEqual(p.pkixNames, [mx])
                XCTAssertEqual(p.mtaSTS, enforce)
                XCTAssertTrue(p.notes.contains { $0.hasPrefix("MTA-STS enforce") }, "\(p.notes)")
            }
        }
        if let p = assertPlan(plan(.verify, .insecure, .notLookedUp, sts: enforce), "verify enforce") {
            XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.mtaSTS, .pkix]))
            XCTAssertEqual(p.pkixNames, [mx])
        }
        // dane that fell back to may (no TLSA): MTA-STS applies.
        if let p = assertPlan(plan(.dane, .secure, .absent, sts: enforce), "dane without TLSA, enforce") {
            XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.mtaSTS]))
        }
    }

    func testMTASTSEnforceDisallowedMXDefers() {
        for level in TLSLevel.allCases where level != .daneOnly {
            let r = plan(level, .insecure, .notLookedUp, sts: enforceOther)
            assertFailure(r, "4.7.5", "\(level) enforce, MX not listed")
            if case .failure(let e) = r { XCTAssertTrue(e.message.contains("not allowed by MTA-STS policy"), e.message) }
        }
    }

    func testMTASTSTestingOnlyAddsANote() {
        if let p = assertPlan(plan(.may, .insecure, .notLookedUp, sts: testing), "testing") {
            XCTAssertEqual(p.requirement, .opportunistic)
            XCTAssertEqual(p.mtaSTS, testing)
            XCTAssertTrue(p.notes.contains { $0.hasPrefix("MTA-STS testing") && $0.contains("does not match") }, "\(p.notes)")
        }
        let none = MTASTSPolicy(mode: .none, mx: [], maxAge: 86400)
        if let p = assertPlan(plan(.may, .insecure, .notLookedUp, sts: none), "mode none") {
            XCTAssertEqual(p.requirement, .opportunistic); XCTAssertNil(p.mtaSTS)
        }
    }

    func testDANEWinsOverMTASTS() {
        for policy in [enforce, enforceOther] {
            if let p = assertPlan(plan(.dane, .secure, .usable, sts: policy), "DANE + \(policy.mx)") {
                XCTAssertEqual(p.requirement, TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA]))
                XCTAssertEqual(p.daneRecords, [usableRecord])
                XCTAssertNil(p.mtaSTS)
                XCTAssertTrue(p.pkixNames.isEmpty)
                XCTAssertTrue(p.notes.contains { $0.contains("DANE is in force") }, "\(p.notes)")
            }
        }
    }

    func testNamesAreNormalised() throws {
        let p = try TLSPlanner.plan(level: .verify, domain: "Partner.TEST.", mxHost: "MX1.partner.test.", mxStatus: .insecure,
                                    tlsa: nil, mtaSTS: nil).get()
        XCTAssertEqual(p.pkixNames, ["mx1.partner.test"])
    }
}
