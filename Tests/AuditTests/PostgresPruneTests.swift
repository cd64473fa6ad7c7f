// PostgresPruneTests: `audit prune` on one node's chain of a shared PostgreSQL log, as the table's
// owner: the prefix goes, a signed checkpoint starts the chain, the other nodes' quotes still check;
// the gateway's INSERT/SELECT role cannot prune; a forged checkpoint and a truncated tail are named.

import Crypto
import Foundation
import MailCore
import TestSupport
import XCTest
@testable import Audit

final class PostgresPruneTests: XCTestCase {
    private let key = Curve25519.Signing.PrivateKey()
    private let retention = AuditRetention(defaultPeriod: .seconds(30 * 86_400))

    /// mx1: five records 100 days old and two new; mx2: two records, then a quote of mx1's head (7).
    private func twoNodes() throws -> (db: String, mx1: PostgresAuditStore, mx2: PostgresAuditStore, now: Date) {
        let db = try PostgresFixture.database(self)
        let clock = TestClock()
        let a = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db, clock: clock)
        let b = try PostgresFixture.open(self, node: "mx2", nodeID: 2, database: db, clock: clock)
        for _ in 0..<5 { _ = try a.append(try Fixture.accepted()) }
        _ = try b.append(try Fixture.delivered())
        clock.advance(100 * 86_400)
        for _ in 0..<2 { _ = try a.append(try Fixture.delivered()) }
        _ = try b.append(try Fixture.delivered())
        _ = try b.append(.chainHeads(ChainHeadsEvent(heads: try a.heads().filter { $0.node == "mx1" })))
        return (db, a, b, clock.now())
    }

    private func owner(_ db: String) throws -> PostgresAuditStore {
        try PostgresFixture.open(self, node: "mx1", nodeID: 900, database: db, asSuperuser: true)
    }

    private func prune(_ store: PostgresAuditStore, now: Date, held: [Int64: String] = [:], dryRun: Bool = false) throws -> PrunePlan {
        try store.prune(retention: retention, heldBy: { node, s in node == "mx1" ? held[s] : nil }, holds: [], key: key,
                        pinnedKey: key.publicKey, now: now, dryRun: dryRun)
    }

    func testTheOwnerPrunesOneNodesChainAndEveryChainStillVerifies() throws {
        let (db, mx1, mx2, now) = try twoNodes()
        let dry = try prune(try owner(db), now: now, dryRun: true)
        XCTAssertEqual(dry.count, 5); XCTAssertNil(dry.checkpoint)
        let plan = try prune(try owner(db), now: now, held: [5: "hold-x"])
        XCTAssertEqual(plan.node, "mx1"); XCTAssertEqual(plan.lastSequence, 4)
        XCTAssertEqual(plan.checkpoint?.sequence, 4)
        XCTAssertEqual(try mx1.records(matching: Self.node("mx1")).map(\.sequence).sorted(), [4, 5, 6, 7])
        let result = try mx2.verifyNodes(pinnedKey: nil)
        XCTAssertTrue(result.isIntact, result.description)
        XCTAssertEqual(result.chains.map(\.result), [.intact(count: 4), .intact(count: 3)])
        // mx1 goes on appending after its checkpoint; the trigger is back on for everyone.
        _ = try mx1.append(Fixture.admin())
        XCTAssertTrue(try mx2.verifyNodes().isIntact)
        XCTAssertThrowsError(try PostgresFixture.cluster().psql("DELETE FROM audit_records WHERE node = 'mx1'", database: db))
    }

    func testTheGatewayRoleCannotPrune() throws {
        let (_, mx1, _, now) = try twoNodes()
        XCTAssertThrowsError(try prune(mx1, now: now))
        XCTAssertEqual(try mx1.records(matching: Self.node("mx1")).count, 7)
        XCTAssertTrue(try mx1.verifyNodes().isIntact)
    }

    func testAForgedCheckpointAndATruncatedTailAreNamed() throws {
        let (db, _, mx2, now) = try twoNodes()
        let checkpoint = try XCTUnwrap(try prune(try owner(db), now: now).checkpoint)
        guard case .checkpoint(var cp) = checkpoint.event else { return XCTFail("not a checkpoint") }
        cp.count = 4; cp.firstSequence = 2   // hides a record, re-hashed, but cannot be re-signed
        let (forged, canonical) = try CanonicalRecord.seal(sequence: checkpoint.sequence, time: checkpoint.time, node: "mx1",
                                                           event: .checkpoint(cp), previousHash: checkpoint.previousHash)
        try tamper(db, "UPDATE audit_records SET canonical = '\(canonical)', hash = '\(forged.hash)' WHERE node = 'mx1' AND sequence = 5")
        var result = try mx2.verifyNodes()
        XCTAssertEqual(result.chains.first { $0.node == "mx1" }?.result,
                       .broken(atSequence: 5, reason: "checkpoint: the checkpoint signature does not verify"))
        // A truncated tail: mx2 quoted mx1's head at 7.
        try tamper(db, "UPDATE audit_records SET canonical = '\(try canonicalText(db, 5, original: checkpoint))', hash = '\(checkpoint.hash)' WHERE node = 'mx1' AND sequence = 5")
        XCTAssertTrue(try mx2.verifyNodes().isIntact)
        try tamper(db, "DELETE FROM audit_records WHERE node = 'mx1' AND sequence = 7")
        result = try mx2.verifyNodes()
        XCTAssertEqual(result.truncations.map(\.sequence), [7], result.description)
        XCTAssertTrue(result.description.contains("node mx1: truncated at sequence 7 (quoted by node mx2 record 3)"), result.description)
    }

    /// The original checkpoint's canonical text, re-sealed from its record (same bytes: same hash).
    private func canonicalText(_ db: String, _ sequence: Int64, original: AuditRecord) throws -> String {
        let (record, canonical) = try CanonicalRecord.seal(sequence: original.sequence, time: original.time, node: original.node,
                                                           event: original.event, previousHash: original.previousHash)
        XCTAssertEqual(record.hash, original.hash)
        return canonical
    }

    private static func node(_ name: String) -> AuditQuery {
        var q = AuditQuery()
        q.node = name
        return q
    }

    private func tamper(_ db: String, _ sql: String) throws {
        try PostgresFixture.cluster().psql("SET session_replication_role = replica; " + sql, database: db)
    }
}
