// Tests for TLSRequirement: raising never lowers, and an observed connection either meets the
// facts or says why not — including the fail-closed case of an unreadable TLS version.

import XCTest
@testable import MailCore

final class TLSRequirementTests: XCTestCase {
    let verifiedPKIX = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256, algorithmBits: 256,
                                verification: .verified(trust: .pkix))

    func testRaisingKeepsTheStricterFacts() {
        let a = TLSRequirement(encrypted: true, authenticatedBy: [.pkix, .mtaSTS], minimumVersion: .tls1_2)
        let b = TLSRequirement(encrypted: false, authenticatedBy: [.pkix, .daneEE], minimumVersion: .tls1_3)
        let r = a.raised(to: b)
        XCTAssertTrue(r.encrypted)
        XCTAssertEqual(r.authenticatedBy, [.pkix])
        XCTAssertEqual(r.minimumVersion, .tls1_3)
        XCTAssertEqual(TLSRequirement.opportunistic.raised(to: a), a)
    }

    func testSatisfaction() {
        let req = TLSRequirement(encrypted: true, authenticatedBy: [.pkix], minimumVersion: .tls1_2)
        XCTAssertNil(req.unmetReason(verifiedPKIX))
        XCTAssertNotNil(req.unmetReason(nil), "plaintext never meets an encrypted requirement")
        var dane = verifiedPKIX
        dane.verification = .verified(trust: .daneEE)
        XCTAssertNotNil(req.unmetReason(dane), "only the listed trust sources count")
        var old = verifiedPKIX
        old.version = "TLSv1.1"
        XCTAssertNotNil(req.unmetReason(old))
        XCTAssertTrue(TLSRequirement.opportunistic.isSatisfied(by: nil))
    }

    func testUnreadableVersionFailsClosed() {
        var odd = verifiedPKIX
        odd.version = "0x7f1c"
        let reason = TLSRequirement(encrypted: true, minimumVersion: .tls1_2).unmetReason(odd)
        XCTAssertEqual(reason, "TLS version 0x7f1c could not be determined (at least TLSv1.2 is required)")
    }

    func testBareSlashIsNotANetwork() {
        XCTAssertNil(IPNetwork("/"))
        XCTAssertNil(IPNetwork("//"))
        XCTAssertNil(IPNetwork("127.0.0.1/"))
    }
}
