// PostgresMTASTSCache: a policy stored by one node is read by another; the newer fetch wins; an
// unknown domain is nil.

import Foundation
import Logging
import SharedStore
import TLSPolicy
import XCTest

final class PostgresMTASTSCacheTests: XCTestCase {
    func entry(_ id: String, at seconds: TimeInterval) -> MTASTSCacheEntry {
        MTASTSCacheEntry(domain: "example.com", policy: MTASTSPolicy(mode: .enforce, mx: ["mx.example.com"], maxAge: 86400, id: id),
                         txtID: id, fetchedAt: Date(timeIntervalSince1970: seconds))
    }

    func testAPolicyStoredByOneNodeIsReadByAnother() async throws {
        let dbs = try SharedStoreFixture.databases(self, nodes: 2)
        let a = PostgresMTASTSCache(database: dbs[0], logger: Logger(label: "a"))
        let b = PostgresMTASTSCache(database: dbs[1], logger: Logger(label: "b"))
        let nothing = await b.entry(for: "example.com")
        XCTAssertNil(nothing)
        await a.store(entry("one", at: 1_000_000))
        let seen = await b.entry(for: "example.com")
        XCTAssertEqual(seen, entry("one", at: 1_000_000))
        XCTAssertEqual(seen?.isValid(at: Date(timeIntervalSince1970: 1_000_000 + 86399)), true)
        XCTAssertEqual(seen?.isValid(at: Date(timeIntervalSince1970: 1_000_000 + 86400)), false)
    }

    func testTheNewerFetchWins() async throws {
        let db = try SharedStoreFixture.databases(self, nodes: 1)[0]
        let cache = PostgresMTASTSCache(database: db, logger: Logger(label: "a"))
        await cache.store(entry("two", at: 2_000_000))
        await cache.store(entry("one", at: 1_000_000))
        let seen = await cache.entry(for: "example.com")
        XCTAssertEqual(seen?.txtID, "two")
        await cache.store(entry("three", at: 3_000_000))
        let newer = await cache.entry(for: "example.com")
        XCTAssertEqual(newer?.txtID, "three")
    }
}
