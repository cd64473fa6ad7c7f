// PostgresTLSObservationStore: upward-only per MX, shared by two nodes (one's observation ratchets
// the other), concurrent writers keep the stronger, expiry lets a weaker one in, forget.

import Foundation
import MailCore
import SharedStore
import TestSupport
import TLSPolicy
import XCTest

final class PostgresTLSObservationStoreTests: XCTestCase {
    let verified13 = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                              verification: .verified(trust: .pkix))
    let encrypted12 = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256, algorithmBits: 256,
                                verification: .failed(reason: "self-signed"))

    func testAWeakerObservationNeverReplacesAStrongerOne() throws {
        let db = try SharedStoreFixture.databases(self, nodes: 1)[0]
        let store = PostgresTLSObservationStore(database: db, ratchet: true, clock: TestClock())
        try store.record(domain: "Example.COM", mxHost: "mx.example.com.", facts: verified13, certificateExpires: nil)
        try store.record(domain: "example.com", mxHost: "mx.example.com", facts: nil, certificateExpires: nil)
        try store.record(domain: "example.com", mxHost: "mx.example.com", facts: encrypted12, certificateExpires: nil)
        let seen = try store.observations(domain: "example.com")
        XCTAssertEqual(seen.map(\.bestVersion), ["TLSv1.3"])
        XCTAssertEqual(seen.first?.trust, "pkix")
    }

    func testOneNodesObservationRatchetsTheOther() throws {
        let dbs = try SharedStoreFixture.databases(self, nodes: 2)
        let clock = TestClock()
        let a = PostgresTLSObservationStore(database: dbs[0], ratchet: true, clock: clock)
        let b = PostgresTLSObservationStore(database: dbs[1], ratchet: true, clock: clock)
        XCTAssertNil(try b.ratchetRequirement(domain: "example.com"))
        try a.record(domain: "example.com", mxHost: "mx.example.com", facts: verified13, certificateExpires: nil)
        let required = try XCTUnwrap(try b.ratchetRequirement(domain: "example.com"))
        XCTAssertTrue(required.encrypted)
        XCTAssertEqual(required.authenticatedBy, [.pkix, .mtaSTS])
        XCTAssertEqual(required.minimumVersion, .tls1_3)
        try b.forget(domain: "example.com")
        XCTAssertNil(try a.ratchetRequirement(domain: "example.com"))
    }

    func testConcurrentWritersKeepTheStrongest() throws {
        let dbs = try SharedStoreFixture.databases(self, nodes: 2)
        let stores = dbs.map { PostgresTLSObservationStore(database: $0, ratchet: true, clock: TestClock()) }
        let facts: [TLSFacts?] = [nil, encrypted12, verified13, nil, encrypted12, nil]
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            try? stores[i % 2].record(domain: "race.example", mxHost: "mx.race.example", facts: facts[i % facts.count],
                                      certificateExpires: nil)
        }
        XCTAssertEqual(try stores[0].observations(domain: "race.example").map(\.bestVersion), ["TLSv1.3"])
    }

    func testAnExpiredBestIsReplacedAndNoLongerRatchets() throws {
        let db = try SharedStoreFixture.databases(self, nodes: 1)[0]
        let clock = TestClock()
        let store = PostgresTLSObservationStore(database: db, ratchet: true, expiry: 3600, clock: clock)
        try store.record(domain: "example.com", mxHost: "mx.example.com", facts: verified13, certificateExpires: nil)
        clock.advance(by: 7200)
        XCTAssertNil(try store.ratchetRequirement(domain: "example.com"))
        try store.record(domain: "example.com", mxHost: "mx.example.com", facts: nil, certificateExpires: nil)
        XCTAssertEqual(try store.observations(domain: "example.com").map(\.verification), ["NONE"])
    }

    func testRatchetOffAsksNothing() throws {
        let db = try SharedStoreFixture.databases(self, nodes: 1)[0]
        let store = PostgresTLSObservationStore(database: db, ratchet: false, clock: TestClock())
        try store.record(domain: "example.com", mxHost: "mx.example.com", facts: verified13, certificateExpires: nil)
        XCTAssertNil(try store.ratchetRequirement(domain: "example.com"))
    }
}
