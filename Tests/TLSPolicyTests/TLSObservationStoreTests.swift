// TLSObservationStore: best level per MX, expiry, forget, the ratchet, persistence, and the
// permissions of what it writes (0600 files in a 0700 directory).

import Foundation
import MailCore
import TestSupport
import XCTest
@testable import TLSPolicy

final class TLSObservationStoreTests: XCTestCase {
    var directory = ""
    let clock = TestClock()

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tlsobs-\(UUID().uuidString)/observations"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    func store(ratchet: Bool = false) throws -> TLSObservationStore {
        try TLSObservationStore(directory: directory, ratchet: ratchet, clock: clock)
    }

    func facts(_ version: String, _ verification: CertificateVerification) -> TLSFacts {
        TLSFacts(version: version, cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256, verification: verification)
    }

    func testKeepsTheBestLevelPerMX() throws {
        let s = try store()
        try s.record(domain: "partner.test", mxHost: "mx1.partner.test", facts: nil, certificateExpires: nil)
        clock.advance(by: 1 * 86400)
        let verifiedAt = clock.now()
        let expires = Date(timeIntervalSince1970: 1_800_000_000)
        try s.record(domain: "Partner.TEST.", mxHost: "MX1.partner.test", facts: facts("TLSv1.3", .verified(trust: .daneEE)),
                     certificateExpires: expires)
        clock.advance(by: 1 * 86400)
        try s.record(domain: "partner.test", mxHost: "mx1.partner.test", facts: facts("TLSv1.2", .none), certificateExpires: nil)
        try s.record(domain: "partner.test", mxHost: "mx2.partner.test", facts: facts("TLSv1.2", .failed(reason: "x")), certificateExpires: nil)

        let all = try s.observations(domain: "partner.test")
        XCTAssertEqual(all.map(\.mxHost), ["mx1.partner.test", "mx2.partner.test"])
        XCTAssertEqual(all[0], TLSObservation(domain: "partner.test", mxHost: "mx1.partner.test", bestVersion: "TLSv1.3",
                                              cipher: "TLS_AES_256_GCM_SHA384", verification: "OK", trust: "dane-ee",
                                              lastSeen: verifiedAt, certificateExpires: expires))
        XCTAssertEqual(all[1].verification, "FAIL")
        XCTAssertNil(all[1].trust)
    }

    func testAnExpiredBestIsReplaced() throws {
        let s = try store()
        try s.record(domain: "d.test", mxHost: "mx.d.test", facts: facts("TLSv1.3", .verified(trust: .pkix)), certificateExpires: nil)
        clock.advance(by: 31 * 86400)
        try s.record(domain: "d.test", mxHost: "mx.d.test", facts: nil, certificateExpires: nil)
        let only = try XCTUnwrap(try s.observations(domain: "d.test").first)
        XCTAssertNil(only.bestVersion)
        XCTAssertEqual(only.verification, "NONE")
        XCTAssertEqual(only.lastSeen, clock.now())
    }

    func testRatchet() throws {
        XCTAssertNil(try store(ratchet: false).ratchetRequirement(domain: "d.test"))
        let s = try store(ratchet: true)
        XCTAssertNil(try s.ratchetRequirement(domain: "d.test"), "nothing seen yet")
        try s.record(domain: "d.test", mxHost: "mx.d.test", facts: facts("TLSv1.2", .none), certificateExpires: nil)
        XCTAssertNil(try s.ratchetRequirement(domain: "d.test"), "unverified TLS does not ratchet")

        try s.record(domain: "d.test", mxHost: "mx.d.test", facts: facts("TLSv1.3", .verified(trust: .daneEE)), certificateExpires: nil)
        let r = try XCTUnwrap(try s.ratchetRequirement(domain: "d.test"))
        XCTAssertEqual(r, TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA], minimumVersion: .tls1_3))
        XCTAssertFalse(r.isSatisfied(by: nil))
        XCTAssertFalse(r.isSatisfied(by: facts("TLSv1.3", .verified(trust: .pkix))))
        XCTAssertFalse(r.isSatisfied(by: facts("TLSv1.2", .verified(trust: .daneTA))))
        XCTAssertTrue(r.isSatisfied(by: facts("TLSv1.3", .verified(trust: .daneTA))))
        XCTAssertNil(try store(ratchet: false).ratchetRequirement(domain: "d.test"), "off means off")

        // A second MX seen verified by PKIX over TLS 1.2 widens what the domain may use.
        try s.record(domain: "d.test", mxHost: "mx2.d.test", facts: facts("TLSv1.2", .verified(trust: .pkix)), certificateExpires: nil)
        XCTAssertEqual(try s.ratchetRequirement(domain: "d.test"),
                       TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA, .pkix, .mtaSTS], minimumVersion: .tls1_2))

        clock.advance(by: 30.5 * 86400)
        XCTAssertNil(try s.ratchetRequirement(domain: "d.test"), "memories expire")
    }

    func testForget() throws {
        let s = try store(ratchet: true)
        try s.record(domain: "d.test", mxHost: "mx.d.test", facts: facts("TLSv1.3", .verified(trust: .pkix)), certificateExpires: nil)
        try s.record(domain: "other.test", mxHost: "mx.other.test", facts: nil, certificateExpires: nil)
        try s.forget(domain: "D.test")
        XCTAssertEqual(try s.observations(domain: "d.test"), [])
        XCTAssertNil(try s.ratchetRequirement(domain: "d.test"))
        XCTAssertEqual(try s.observations(domain: "other.test").count, 1)
        XCTAssertNoThrow(try s.forget(domain: "never.test"))
    }

    func testPersistsWithPrivatePermissions() throws {
        try store().record(domain: "d.test", mxHost: "mx.d.test", facts: facts("TLSv1.3", .verified(trust: .pkix)), certificateExpires: nil)
        XCTAssertEqual(try store().observations(domain: "d.test").first?.trust, "pkix", "read back by a new store")

        let fm = FileManager.default
        let dirMode = try XCTUnwrap(fm.attributesOfItem(atPath: directory)[.posixPermissions] as? NSNumber)
        XCTAssertEqual(dirMode.intValue & 0o777, 0o700)
        let files = try fm.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(files, ["d.test.json"], "no temp files left behind")
        let fileMode = try XCTUnwrap(fm.attributesOfItem(atPath: directory + "/d.test.json")[.posixPermissions] as? NSNumber)
        XCTAssertEqual(fileMode.intValue & 0o777, 0o600)
    }

    func testHostileDomainNamesStayInTheDirectory() throws {
        let s = try store()
        try s.record(domain: "../../etc/x", mxHost: "mx", facts: nil, certificateExpires: nil)
        try s.record(domain: ".hidden", mxHost: "mx", facts: nil, certificateExpires: nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        XCTAssertEqual(files.count, 2)
        XCTAssertTrue(files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") }, "\(files)")
        XCTAssertEqual(try s.observations(domain: "../../etc/x").count, 1)
    }
}
