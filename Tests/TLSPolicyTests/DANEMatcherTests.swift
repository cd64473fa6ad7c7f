// DANEMatcher against certificates made in the test: DANE-EE and DANE-TA for every selector and
// matching type, wrong data, unusable records, name checks, forged and intermediate chains.

import Crypto
import DNS
import MailCore
import XCTest
@testable import TLSPolicy

final class DANEMatcherTests: XCTestCase {
    let mx = "mx.partner.test"
    let domain = "partner.test"

    /// The TLSA record for a certificate with the given usage, selector and matching type.
    func record(_ usage: UInt8, _ selector: UInt8, _ matching: UInt8, for certificateDER: [UInt8]) throws -> TLSARecord {
        let selected = selector == 0 ? certificateDER : try DANETestPKI.spki(certificateDER)
        let data: [UInt8]
        switch matching {
        case 1: data = Array(SHA256.hash(data: selected))
        case 2: data = Array(SHA512.hash(data: selected))
        default: data = selected
        }
        return TLSARecord(usage: usage, selector: selector, matchingType: matching, data: data)
    }

    let combinations: [(UInt8, UInt8)] = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]

    func testSPKIIsCutExactlyFromTheCertificate() throws {
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: nil)
        let cut = try XCTUnwrap(CertificateDER.subjectPublicKeyInfo(of: leaf))
        XCTAssertEqual(cut, try DANETestPKI.spki(leaf))
        XCTAssertEqual(cut.first, 0x30)
        XCTAssertNotEqual(cut, leaf)
        // The cut bytes occur verbatim inside the certificate.
        XCTAssertNotNil((0...(leaf.count - cut.count)).first { Array(leaf[$0 ..< $0 + cut.count]) == cut })
    }

    func testDANEEEMatchesEverySelectorAndMatchingType() throws {
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: nil)
        for (selector, matching) in combinations {
            let r = try record(3, selector, matching, for: leaf)
            XCTAssertEqual(DANEMatcher.match([r], chain: [leaf], names: [mx, domain]), .matched(.daneEE),
                           "3 \(selector) \(matching)")
        }
    }

    func testDANEEEIgnoresNamesAndExpiry() throws {
        let expired = try DANETestPKI.makeLeaf(commonName: "other.example", dnsNames: ["other.example"], issuer: nil,
                                               notValidAfter: Date(timeIntervalSinceNow: -86400 * 400))
        let r = try record(3, 1, 1, for: expired)
        XCTAssertEqual(DANEMatcher.match([r], chain: [expired], names: [mx, domain]), .matched(.daneEE))
    }

    func testDANEEEMatchesOnlyTheLeaf() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        let r = try record(3, 1, 1, for: ca.der)
        guard case .noMatch = DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx]) else {
            return XCTFail("DANE-EE over the CA must not authenticate the leaf")
        }
    }

    func testDANETAMatchesEverySelectorAndMatchingType() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        for (selector, matching) in combinations {
            let r = try record(2, selector, matching, for: ca.der)
            XCTAssertEqual(DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx, domain]), .matched(.daneTA),
                           "2 \(selector) \(matching)")
        }
    }

    func testWrongDataIsNoMatch() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        let other = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: nil)
        for (selector, matching) in combinations {
            for usage: UInt8 in [2, 3] {
                var r = try record(usage, selector, matching, for: usage == 3 ? leaf : ca.der)
                r.data[r.data.count / 2] ^= 0x01
                guard case .noMatch(let why) = DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx]) else {
                    return XCTFail("flipped bit must not match: \(usage) \(selector) \(matching)")
                }
                XCTAssertFalse(why.isEmpty)
            }
            let otherRecord = try record(3, selector, matching, for: other)
            guard case .noMatch = DANEMatcher.match([otherRecord], chain: [leaf, ca.der], names: [mx]) else {
                return XCTFail("another certificate's record must not match")
            }
        }
    }

    func testPKIXUsagesAreUnusable() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        let records = [try record(0, 0, 1, for: ca.der), try record(1, 1, 1, for: leaf)]
        XCTAssertEqual(DANEMatcher.match(records, chain: [leaf, ca.der], names: [mx]), .noUsableRecords)
        // Unknown selector or matching type: unusable too.
        let odd = [TLSARecord(usage: 3, selector: 2, matchingType: 1, data: [1]),
                   TLSARecord(usage: 3, selector: 1, matchingType: 9, data: [1])]
        XCTAssertEqual(DANEMatcher.match(odd, chain: [leaf], names: [mx]), .noUsableRecords)
        XCTAssertEqual(DANEMatcher.match([], chain: [leaf], names: [mx]), .noUsableRecords)
    }

    func testUnusableRecordsAreSkippedBesideUsableOnes() throws {
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: nil)
        let records = [try record(1, 1, 1, for: leaf), try record(3, 0, 1, for: leaf)]
        XCTAssertEqual(DANEMatcher.match(records, chain: [leaf], names: [mx]), .matched(.daneEE))
    }

    func testDANETALeafWithoutTheNameIsNoMatch() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: "mail.elsewhere.test", dnsNames: ["mail.elsewhere.test"], issuer: ca)
        let r = try record(2, 1, 1, for: ca.der)
        guard case .noMatch(let why) = DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx, domain]) else {
            return XCTFail("a leaf without the MX or domain name must not pass DANE-TA")
        }
        XCTAssertTrue(why.contains("names none"), why)
    }

    func testDANETAAcceptsTheDomainName() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: domain, dnsNames: [domain], issuer: ca)
        let r = try record(2, 0, 1, for: ca.der)
        XCTAssertEqual(DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx, domain]), .matched(.daneTA))
    }

    func testDANETAOverTheLeafItselfIsNoMatch() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        let r = try record(2, 1, 1, for: leaf)
        guard case .noMatch = DANEMatcher.match([r], chain: [leaf, ca.der], names: [mx]) else {
            return XCTFail("DANE-TA must match an issuer, not the leaf")
        }
    }

    func testDANETARejectsAForgedSignature() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        // Names the real CA as issuer, but is signed by some other key.
        let forged = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca,
                                              signingKey: P256.Signing.PrivateKey())
        let r = try record(2, 1, 1, for: ca.der)
        guard case .noMatch(let why) = DANEMatcher.match([r], chain: [forged, ca.der], names: [mx]) else {
            return XCTFail("a leaf not signed by the trust anchor must not pass")
        }
        XCTAssertTrue(why.contains("not correctly signed"), why)
    }

    func testDANETAThroughAnIntermediate() throws {
        let root = try DANETestPKI.makeCA("Test Root")
        let intermediate = try DANETestPKI.makeCA("Test Intermediate", issuer: root)
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: intermediate)
        let chain = [leaf, intermediate.der, root.der]
        XCTAssertEqual(DANEMatcher.match([try record(2, 1, 1, for: root.der)], chain: chain, names: [mx]), .matched(.daneTA))
        XCTAssertEqual(DANEMatcher.match([try record(2, 0, 2, for: intermediate.der)], chain: chain, names: [mx]), .matched(.daneTA))
        // Without the intermediate, the root cannot be reached from the leaf.
        guard case .noMatch = DANEMatcher.match([try record(2, 1, 1, for: root.der)], chain: [leaf, root.der], names: [mx]) else {
            return XCTFail("a broken chain must not pass")
        }
    }

    func testDANETARejectsAnExpiredOrNotYetValidLeaf() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let expired = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca,
                                               notValidAfter: Date(timeIntervalSinceNow: -86400))
        let r = try record(2, 1, 1, for: ca.der)
        guard case .noMatch(let why) = DANEMatcher.match([r], chain: [expired, ca.der], names: [mx]) else {
            return XCTFail("an expired leaf must not pass DANE-TA")
        }
        XCTAssertTrue(why.contains("the server certificate expired"), why)
        // The same chain at a time inside the leaf's validity period passes.
        XCTAssertEqual(DANEMatcher.match([r], chain: [expired, ca.der], names: [mx], now: Date(timeIntervalSinceNow: -86400 * 5)),
                       .matched(.daneTA))
        guard case .noMatch(let early) = DANEMatcher.match([r], chain: [expired, ca.der], names: [mx],
                                                           now: Date(timeIntervalSinceNow: -86400 * 30)) else {
            return XCTFail("a not yet valid leaf must not pass DANE-TA")
        }
        XCTAssertTrue(early.contains("not valid before"), early)
    }

    func testDANETARejectsAnExpiredIntermediateButNotAnExpiredAnchor() throws {
        let root = try DANETestPKI.makeCA("Old Root", notValidBefore: Date(timeIntervalSinceNow: -86400 * 400),
                                          notValidAfter: Date(timeIntervalSinceNow: -86400))
        let staleIntermediate = try DANETestPKI.makeCA("Stale Intermediate", issuer: root,
                                                       notValidBefore: Date(timeIntervalSinceNow: -86400 * 400),
                                                       notValidAfter: Date(timeIntervalSinceNow: -3600))
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: staleIntermediate)
        guard case .noMatch(let why) = DANEMatcher.match([try record(2, 1, 1, for: root.der)],
                                                         chain: [leaf, staleIntermediate.der, root.der], names: [mx]) else {
            return XCTFail("an expired intermediate must not pass DANE-TA")
        }
        XCTAssertTrue(why.contains("Stale Intermediate") && why.contains("expired"), why)

        // The anchor's own dates are not judged: the TLSA record carries its trust.
        let freshIntermediate = try DANETestPKI.makeCA("Fresh Intermediate", issuer: root)
        let leaf2 = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: freshIntermediate)
        XCTAssertEqual(DANEMatcher.match([try record(2, 0, 1, for: root.der)],
                                         chain: [leaf2, freshIntermediate.der, root.der], names: [mx]), .matched(.daneTA))
    }

    func testAStaleDuplicateIntermediateDoesNotHideTheRenewedOne() throws {
        let root = try DANETestPKI.makeCA("Test Root")
        let renewed = try DANETestPKI.makeCA("Test Intermediate", issuer: root)
        let stale = try DANETestPKI.makeCA("Test Intermediate", issuer: root,
                                           notValidBefore: Date(timeIntervalSinceNow: -86400 * 400),
                                           notValidAfter: Date(timeIntervalSinceNow: -86400), reusing: renewed.key)
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: renewed)
        let r = try record(2, 1, 1, for: root.der)
        // The stale copy comes first in what the server sends; the renewed one still makes a path.
        XCTAssertEqual(DANEMatcher.match([r], chain: [leaf, stale.der, renewed.der, root.der], names: [mx]), .matched(.daneTA))
        guard case .noMatch(let why) = DANEMatcher.match([r], chain: [leaf, stale.der, root.der], names: [mx]) else {
            return XCTFail("only the stale copy: no valid path")
        }
        XCTAssertTrue(why.contains("expired"), why)
    }

    func testInvertedValidityDatesFailWithoutATrap() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let inverted = try DANETestPKI.makeCA("Inverted", issuer: ca, notValidBefore: Date(timeIntervalSinceNow: 86400),
                                              notValidAfter: Date(timeIntervalSinceNow: -86400))
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: inverted)
        guard case .noMatch = DANEMatcher.match([try record(2, 1, 1, for: ca.der)], chain: [leaf, inverted.der, ca.der],
                                                names: [mx]) else {
            return XCTFail("a certificate whose dates are inverted is never valid")
        }
    }

    func testDANETAWithTheAnchorOnlyInTheRecord() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: ca)
        XCTAssertEqual(DANEMatcher.match([try record(2, 0, 0, for: ca.der)], chain: [leaf], names: [mx]), .matched(.daneTA))
        XCTAssertEqual(DANEMatcher.match([try record(2, 1, 0, for: ca.der)], chain: [leaf], names: [mx]), .matched(.daneTA))
        // A digest cannot stand in for a certificate that was not sent.
        guard case .noMatch = DANEMatcher.match([try record(2, 1, 1, for: ca.der)], chain: [leaf], names: [mx]) else {
            return XCTFail("a digest of an unsent anchor must not match")
        }
    }

    func testNoCertificateIsNoMatch() throws {
        let leaf = try DANETestPKI.makeLeaf(commonName: mx, dnsNames: [mx], issuer: nil)
        guard case .noMatch = DANEMatcher.match([try record(3, 1, 1, for: leaf)], chain: [], names: [mx]) else {
            return XCTFail("an empty chain must not match")
        }
    }

    func testEEMatchWinsWhenTAFails() throws {
        let ca = try DANETestPKI.makeCA("Test Root")
        let leaf = try DANETestPKI.makeLeaf(commonName: "wrong.test", dnsNames: ["wrong.test"], issuer: ca)
        let records = [try record(2, 1, 1, for: ca.der), try record(3, 1, 1, for: leaf)]
        XCTAssertEqual(DANEMatcher.match(records, chain: [leaf, ca.der], names: [mx]), .matched(.daneEE))
    }
}

/// The matcher at the real time: the test certificates are made when the test starts, so their
/// validity is judged against now (tests of dates pass `now:` themselves).
private extension DANEMatcher {
    static func match(_ records: [TLSARecord], chain: [[UInt8]], names: [String]) -> DANEMatch {
        match(records, chain: chain, names: names, now: Date())
    }
}
