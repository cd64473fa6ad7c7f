// PostgresTamperTests: a superuser edits the shared log behind the gateway's back (an UPDATE, a
// deleted row, a reordered pair, a truncated tail) and `verify` names each, per node.

import Foundation
import MailCore
import TestSupport
import XCTest
@testable import Audit

final class PostgresTamperTests: XCTestCase {
    /// Two nodes with four records each; mx2's last record quotes mx1's head (sequence 4).
    private func twoNodes() throws -> (db: String, verifier: PostgresAuditStore, mx1: PostgresAuditStore) {
        let db = try PostgresFixture.database(self)
        let a = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        let b = try PostgresFixture.open(self, node: "mx2", nodeID: 2, database: db)
        for _ in 0..<4 { _ = try a.append(try Fixture.accepted()) }
        for _ in 0..<3 { _ = try b.append(try Fixture.delivered()) }
        let quote = try a.heads().filter { $0.node == "mx1" }
        XCTAssertEqual(quote.map(\.sequence), [4])
        _ = try b.append(.chainHeads(ChainHeadsEvent(heads: quote)))
        XCTAssertTrue(try b.verifyNodes().isIntact)
        return (db, b, a)
    }

    /// Runs `sql` as the superuser with the append-only triggers bypassed.
    private func tamper(_ db: String, _ sql: String) throws {
        try PostgresFixture.cluster().psql("SET session_replication_role = replica; " + sql, database: db)
    }

    func testAnUpdatedRowIsNamed() throws {
        let (db, store, _) = try twoNodes()
        try tamper(db, "UPDATE audit_records SET canonical = replace(canonical, 'bob@', 'eve@') WHERE node = 'mx1' AND sequence = 2")
        let result = try store.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx1" }?.result,
                       .broken(atSequence: 2, reason: "hash does not match the SHA-256 of the canonical record"))
        XCTAssertEqual(result.chains.first { $0.node == "mx2" }?.result, .intact(count: 4))
        XCTAssertFalse(result.isIntact)
    }

    func testAnUpdatedColumnIsNamed() throws {
        let (db, store, _) = try twoNodes()
        try tamper(db, "UPDATE audit_records SET outcome = 'delivered' WHERE node = 'mx2' AND sequence = 1 AND outcome IS NULL")
        try tamper(db, "UPDATE audit_records SET recipient = 'eve@partner.example' WHERE node = 'mx2' AND sequence = 1")
        let result = try store.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx2" }?.result,
                       .broken(atSequence: 1, reason: "event, queue_id, recipient or outcome column disagrees with the canonical record"))
        XCTAssertTrue(result.description.contains("node mx2: broken(atSequence: 1"), result.description)
    }

    func testADeletedRowIsNamed() throws {
        let (db, store, _) = try twoNodes()
        try tamper(db, "DELETE FROM audit_records WHERE node = 'mx1' AND sequence = 3")
        let result = try store.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx1" }?.result,
                       .broken(atSequence: 3, reason: "record 3 is missing (next stored record is 4)"))
    }

    func testAReorderedPairIsNamed() throws {
        let (db, store, _) = try twoNodes()
        // Swap the sequence numbers of mx1's records 2 and 3.
        try tamper(db, """
            UPDATE audit_records SET sequence = sequence + 1000 WHERE node = 'mx1' AND sequence IN (2, 3);
            UPDATE audit_records SET sequence = 3 WHERE node = 'mx1' AND sequence = 1002;
            UPDATE audit_records SET sequence = 2 WHERE node = 'mx1' AND sequence = 1003;
            """)
        let result = try store.verifyNodes()
        guard case .broken(let at, let reason)? = result.chains.first(where: { $0.node == "mx1" })?.result else {
            return XCTFail(result.description)
        }
        XCTAssertEqual(at, 2)
        XCTAssertEqual(reason, "previous_hash does not match the hash of record 1")
    }

    func testATruncatedTailIsDetectedThroughAQuotedHead() throws {
        let (db, store, _) = try twoNodes()
        // Cutting mx1's last record leaves a chain that is intact on its own...
        try tamper(db, "DELETE FROM audit_records WHERE node = 'mx1' AND sequence = 4")
        let result = try store.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx1" }?.result, .intact(count: 3))
        // ...but mx2's chain_heads record (its record 4) quoted mx1 at sequence 4.
        XCTAssertEqual(result.truncations, [.init(node: "mx1", sequence: 4, quotedBy: "mx2", quotedIn: 4,
                                                  reason: "the chain ends at sequence 3, but its head was quoted at sequence 4")])
        XCTAssertFalse(result.isIntact)
        XCTAssertTrue(result.description.contains("node mx1: truncated at sequence 4 (quoted by node mx2 record 4)"), result.description)
    }

    func testARewrittenTailIsDetectedThroughAQuotedHead() throws {
        let (db, store, mx1) = try twoNodes()
        mx1.close()
        // Replace mx1's record 4 by a different, correctly chained record: its own chain holds.
        try tamper(db, "DELETE FROM audit_records WHERE node = 'mx1' AND sequence = 4")
        let writer = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        _ = try writer.append(Fixture.admin())
        let result = try store.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx1" }?.result, .intact(count: 4))
        XCTAssertEqual(result.truncations.count, 1)
        XCTAssertTrue(result.truncations.first?.reason.contains("the chain was rewritten") ?? false, result.description)
    }
}
