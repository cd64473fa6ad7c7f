// PostgresUserRows: a row written through one node is found by another at once; replace, list, delete.

import SharedStore
import XCTest

final class PostgresUserRowsTests: XCTestCase {
    func testRowsAreSharedReplacedListedAndDeleted() throws {
        let dbs = try SharedStoreFixture.databases(self, nodes: 2)
        let a = PostgresUserRows(database: dbs[0]), b = PostgresUserRows(database: dbs[1])
        XCTAssertNil(try b.find(name: "alice"))
        try a.upsert(SharedUserRow(name: "alice", passwordHash: "h1", addresses: ["alice@example.org"]))
        XCTAssertEqual(try b.find(name: "alice"), SharedUserRow(name: "alice", passwordHash: "h1", addresses: ["alice@example.org"]))
        try b.upsert(SharedUserRow(name: "alice", passwordHash: "h2", addresses: []))
        try b.upsert(SharedUserRow(name: "bob", passwordHash: "h3", addresses: ["b@example.org", "bob@example.org"]))
        XCTAssertEqual(try a.all().map(\.name), ["alice", "bob"])
        XCTAssertEqual(try a.find(name: "alice")?.passwordHash, "h2")
        XCTAssertTrue(try a.delete(name: "alice"))
        XCTAssertFalse(try b.delete(name: "alice"))
        XCTAssertEqual(try b.all().map(\.name), ["bob"])
    }
}
