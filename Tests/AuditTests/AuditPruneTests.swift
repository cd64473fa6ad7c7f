// AuditPruneTests: `audit prune` on SQLite: the expired, unheld prefix goes and a signed checkpoint
// takes its place; verify accepts it at the start and names a forged one, a deleted row, a reordered
// pair and a tampered record after it.

import Crypto
import Foundation
import GRDB
import MailCore
import XCTest
@testable import Audit

final class AuditPruneTests: XCTestCase {
    private let day: TimeInterval = 86_400
    private let key = Curve25519.Signing.PrivateKey()
    private let retention = AuditRetention(periods: ["deliveries": .seconds(30 * 86_400), "admin": .seconds(60 * 86_400)])

    /// Six records a day apart (accepted, delivered, deferred, admin, delivered, deferred), then
    /// `recent` more written 100 days later; the clock then reads 101 days after the start.
    private func makeStore(recent: Int = 2) throws -> (SQLiteAuditStore, TestClock, DatabaseQueue) {
        let path = try makeTempDir(self) + "/audit.sqlite"
        let clock = TestClock()
        let store = try SQLiteAuditStore(path: path, node: "gw1", clock: clock)
        let old: [AuditEvent] = [try Fixture.accepted(), try Fixture.delivered(), try Fixture.deferred(), Fixture.admin(),
                                 try Fixture.delivered(Fixture.otherQueueID), try Fixture.deferred(Fixture.otherQueueID)]
        for event in old { _ = try store.append(event); clock.advance(day) }
        clock.advance(95 * day)
        for _ in 0..<recent { _ = try store.append(try Fixture.delivered()) }
        clock.advance(day)
        return (store, clock, try DatabaseQueue(path: path))
    }

    private func prune(_ store: SQLiteAuditStore, _ clock: TestClock, held: [Int64: String] = [:], dryRun: Bool = false,
                       key: Curve25519.Signing.PrivateKey? = nil, retention: AuditRetention? = nil) throws -> PrunePlan {
        try store.prune(retention: retention ?? self.retention, heldBy: { _, s in held[s] }, holds: [],
                        key: key ?? self.key, pinnedKey: (key ?? self.key).publicKey, now: clock.now(), dryRun: dryRun)
    }

    private func dropTriggers(_ raw: DatabaseQueue) throws {
        try raw.write { try $0.execute(sql: "DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete") }
    }

    func testPruneReplacesTheExpiredPrefixWithASignedCheckpoint() throws {
        let (store, clock, _) = try makeStore()
        let plan = try prune(store, clock)
        XCTAssertEqual(plan.firstSequence, 1); XCTAssertEqual(plan.lastSequence, 6); XCTAssertEqual(plan.count, 6)
        XCTAssertEqual(plan.byEvent, ["accepted": 1, "delivered": 2, "deferred": 2, "admin_action": 1])
        XCTAssertTrue(plan.stop?.hasPrefix("stopped at record 7 (delivered, ") ?? false, plan.stop ?? "")
        let checkpoint = try XCTUnwrap(plan.checkpoint)
        XCTAssertEqual(checkpoint.sequence, 6)
        guard case .checkpoint(let cp) = checkpoint.event else { return XCTFail("not a checkpoint") }
        XCTAssertEqual(cp.firstSequence, 1); XCTAssertEqual(cp.lastSequence, 6); XCTAssertEqual(cp.count, 6)
        XCTAssertEqual(cp.firstPreviousHash, CanonicalRecord.genesisHash)
        XCTAssertNil(cp.previousCheckpoint)
        let rest = try store.records(matching: AuditQuery())
        XCTAssertEqual(rest.map(\.sequence), [6, 7, 8])
        XCTAssertEqual(rest[1].previousHash, cp.lastHash)
        XCTAssertEqual(try store.verifyChain(pinnedKey: key.publicKey), .intact(count: 3))
        XCTAssertEqual(try store.verifyChain(), .intact(count: 3))
        // The chain goes on after it.
        _ = try store.append(Fixture.admin())
        XCTAssertEqual(try store.verifyChain(pinnedKey: key.publicKey), .intact(count: 4))
    }

    func testDryRunChangesNothingAndTheNewestRecordAlwaysStays() throws {
        let (store, clock, _) = try makeStore(recent: 0)
        let plan = try prune(store, clock, dryRun: true)
        XCTAssertEqual(plan.count, 5)
        XCTAssertNil(plan.checkpoint)
        XCTAssertEqual(plan.stop, "stopped at record 6: the newest record always stays (the next record links to it)")
        XCTAssertEqual(try store.records(matching: AuditQuery()).count, 6)
        XCTAssertTrue(plan.line(dryRun: true).hasPrefix("would remove 5 record(s), sequence 1-5 ("), plan.line(dryRun: true))
    }

    func testAHeldRecordStopsThePruneBeforeIt() throws {
        let (store, clock, _) = try makeStore()
        let plan = try prune(store, clock, held: [3: "hold-0000abcd"])
        XCTAssertEqual(plan.lastSequence, 2)
        XCTAssertTrue(plan.stop?.hasSuffix("held by hold-0000abcd") ?? false, plan.stop ?? "")
        XCTAssertEqual(try store.records(matching: AuditQuery()).map(\.sequence), [2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try store.verifyChain(pinnedKey: key.publicKey), .intact(count: 7))
    }

    func testRecordsWithinTheirRetentionOrWithoutOneStay() throws {
        let (store, clock, _) = try makeStore()
        // Admin records are kept a year: the prune stops at record 4.
        var plan = try prune(store, clock, dryRun: true, retention: AuditRetention(periods: ["deliveries": .seconds(30 * day)]))
        XCTAssertEqual(plan.lastSequence, 3)
        XCTAssertEqual(plan.stop?.contains("stopped at record 4 (admin_action): kept forever"), true, plan.stop ?? "")
        plan = try prune(store, clock, dryRun: true, retention: AuditRetention(periods: ["admin_action": .years(1)],
                                                                                 defaultPeriod: .seconds(30 * day)))
        XCTAssertEqual(plan.lastSequence, 3)
        XCTAssertEqual(plan.stop?.contains("kept until 2027-11-26T10:00:00.000Z (retention 1y)"), true, plan.stop ?? "")
    }

    func testASecondPruneReplacesTheCheckpoint() throws {
        let (store, clock, _) = try makeStore()
        let first = try XCTUnwrap(try prune(store, clock, held: [4: "hold-1"]).checkpoint)
        XCTAssertEqual(first.sequence, 3)
        let plan = try prune(store, clock)
        let second = try XCTUnwrap(plan.checkpoint)
        XCTAssertEqual(plan.firstSequence, 4); XCTAssertEqual(plan.count, 3)
        guard case .checkpoint(let cp) = second.event else { return XCTFail("not a checkpoint") }
        XCTAssertEqual(cp.firstSequence, 1); XCTAssertEqual(cp.lastSequence, 6); XCTAssertEqual(cp.count, 6); XCTAssertEqual(cp.pruned, 3)
        XCTAssertEqual(cp.previousCheckpoint, first.hash)
        XCTAssertEqual(try store.records(matching: AuditQuery()).map(\.sequence), [6, 7, 8])
        XCTAssertEqual(try store.verifyChain(pinnedKey: key.publicKey), .intact(count: 3))
    }

    func testAPruneRefusesABrokenChain() throws {
        let (store, clock, raw) = try makeStore()
        try dropTriggers(raw)
        try raw.write { try $0.execute(sql: "UPDATE audit_records SET canonical = replace(canonical, 'bob@', 'eve@') WHERE sequence = 7") }
        XCTAssertThrowsError(try prune(store, clock)) { XCTAssertTrue("\($0)".contains("nothing pruned"), "\($0)") }
        XCTAssertEqual(try raw.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_records") }, 8)
    }

    // MARK: - forged checkpoints and tampering after a prune

    private func pruned() throws -> (SQLiteAuditStore, DatabaseQueue) {
        let (store, clock, raw) = try makeStore(recent: 4)
        _ = try prune(store, clock)
        try dropTriggers(raw)
        return (store, raw)
    }

    private func checkpointRow(_ raw: DatabaseQueue) throws -> (canonical: String, event: CheckpointEvent) {
        let canonical = try raw.read { try String.fetchOne($0, sql: "SELECT canonical FROM audit_records WHERE sequence = 6") } ?? ""
        guard case .checkpoint(let cp) = try CanonicalRecord.decode(canonical).event else { throw AuditError.corruptRecord(sequence: 6, reason: "") }
        return (canonical, cp)
    }

    /// Replaces the row at `sequence` by `event` sealed there (hash recomputed, columns matching).
    private func rewrite(_ raw: DatabaseQueue, sequence: Int64, previousHash: String, event: AuditEvent) throws {
        let (record, canonical) = try CanonicalRecord.seal(sequence: sequence, time: Fixture.time, node: "gw1", event: event,
                                                           previousHash: previousHash)
        let row = StoredAuditRow(record: record, canonical: canonical)
        try raw.write { db in
            try db.execute(sql: "DELETE FROM audit_records WHERE sequence = ?", arguments: [sequence])
            try db.execute(sql: """
                INSERT INTO audit_records (sequence, time, node, event, queue_id, recipient, outcome, previous_hash, hash, canonical)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [row.sequence, row.time, row.node, row.event, row.queueID, row.recipient, row.outcome,
                                 row.previousHash, row.hash, row.canonical])
        }
    }

    private func assertBroken(_ store: SQLiteAuditStore, at sequence: Int64, _ words: String, pinned: Bool = true,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        guard case .broken(let at, let reason) = try store.verifyChain(pinnedKey: pinned ? key.publicKey : nil) else {
            return XCTFail("not detected", file: file, line: line)
        }
        XCTAssertEqual(at, sequence, reason, file: file, line: line)
        XCTAssertTrue(reason.contains(words), reason, file: file, line: line)
    }

    func testACheckpointWithAnEditedFieldFailsItsSignature() throws {
        let (store, raw) = try pruned()
        var cp = try checkpointRow(raw).event
        cp.count = 2; cp.firstSequence = 5   // claims fewer records were pruned; signature kept
        try rewrite(raw, sequence: 6, previousHash: CanonicalRecord.genesisHash, event: .checkpoint(cp))
        try assertBroken(store, at: 6, "signature does not verify")
    }

    func testACheckpointSignedByAnotherKeyIsNamed() throws {
        let (store, raw) = try pruned()
        var cp = try checkpointRow(raw).event
        try cp.sign(node: "gw1", key: Curve25519.Signing.PrivateKey())
        try rewrite(raw, sequence: 6, previousHash: CanonicalRecord.genesisHash, event: .checkpoint(cp))
        try assertBroken(store, at: 6, "not by this node's audit.signing_key")
        // Without the node's key to compare, the signature itself holds.
        XCTAssertEqual(try store.verifyChain(pinnedKey: nil), .intact(count: 5))
    }

    func testACheckpointWithTheWrongLastHashBreaksTheNextLink() throws {
        let (store, raw) = try pruned()
        var cp = try checkpointRow(raw).event
        cp.lastHash = String(repeating: "ab", count: 32)
        try cp.sign(node: "gw1", key: key)   // even signed with the right key
        try rewrite(raw, sequence: 6, previousHash: CanonicalRecord.genesisHash, event: .checkpoint(cp))
        try assertBroken(store, at: 7, "the checkpoint last_hash")
    }

    func testACheckpointAnywhereButTheStartIsNamed() throws {
        let (store, raw) = try pruned()
        var cp = try checkpointRow(raw).event
        cp.lastSequence = 8
        try cp.sign(node: "gw1", key: key)
        let previous = try raw.read { try String.fetchOne($0, sql: "SELECT previous_hash FROM audit_records WHERE sequence = 8") } ?? ""
        try rewrite(raw, sequence: 8, previousHash: previous, event: .checkpoint(cp))
        try assertBroken(store, at: 8, "only valid as the first record")
    }

    func testACheckpointRemovedLeavesAChainThatStartsTooLate() throws {
        let (store, raw) = try pruned()
        try raw.write { try $0.execute(sql: "DELETE FROM audit_records WHERE sequence = 6") }
        try assertBroken(store, at: 1, "starts at record 7 without a checkpoint")
    }

    func testDeletedReorderedAndTamperedRecordsAfterACheckpointAreNamed() throws {
        do {
            let (store, raw) = try pruned()
            try raw.write { try $0.execute(sql: "DELETE FROM audit_records WHERE sequence = 8") }
            try assertBroken(store, at: 8, "missing")
        }
        do {
            let (store, raw) = try pruned()
            try raw.write { db in
                try db.execute(sql: "UPDATE audit_records SET sequence = 1000 WHERE sequence = 8")
                try db.execute(sql: "UPDATE audit_records SET sequence = 8 WHERE sequence = 9")
                try db.execute(sql: "UPDATE audit_records SET sequence = 9 WHERE sequence = 1000")
            }
            try assertBroken(store, at: 8, "previous_hash")
        }
        do {
            let (store, raw) = try pruned()
            try raw.write { try $0.execute(sql: "UPDATE audit_records SET canonical = replace(canonical, '250 2.0.0', '250 2.0.1') WHERE sequence = 7") }
            try assertBroken(store, at: 7, "hash does not match")
        }
    }

    func testTheHoldsInForceComeFromTheNewestCheckpointAndLaterRecords() throws {
        let a = LegalHold(id: "hold-a", scope: .sender, value: "alice@gw.example")
        let b = LegalHold(id: "hold-b", scope: .domain, value: "partner.example")
        func admin(_ action: AdminAction, _ hold: LegalHold, _ t: TimeInterval) -> AuditRecord {
            AuditRecord(sequence: 1, time: Fixture.time.addingTimeInterval(t), node: "gw1",
                        event: .adminAction(AdminEvent(actor: "root", action: action, hold: hold)), previousHash: "", hash: "")
        }
        let cp = AuditRecord(sequence: 1, time: Fixture.time.addingTimeInterval(10), node: "gw1",
                             event: .checkpoint(CheckpointEvent(firstSequence: 1, lastSequence: 1, count: 1, firstPreviousHash: "",
                                                                lastHash: "", pruned: 1, previousCheckpoint: nil, holds: [a],
                                                                signingKey: "")), previousHash: "", hash: "")
        XCTAssertEqual(LegalHolds.inForce(checkpoints: [], admin: [admin(.holdAdd, a, 0), admin(.holdAdd, b, 1), admin(.holdRemove, a, 2)]), [b])
        // A removal before the newest checkpoint is already reflected in it; later records apply on top.
        XCTAssertEqual(LegalHolds.inForce(checkpoints: [cp], admin: [admin(.holdRemove, a, 2), admin(.holdAdd, b, 11)]), [a, b])
        XCTAssertEqual(LegalHolds.inForce(checkpoints: [cp], admin: [admin(.holdRemove, a, 12)]), [])
    }

    func testRetentionPeriods() {
        let r = AuditRetention(periods: ["deliveries": .years(6), "bounced": .seconds(60), "admin": .years(10)], defaultPeriod: .years(7))
        XCTAssertEqual(r.period(for: "delivered"), .years(6))
        XCTAssertEqual(r.period(for: "bounced"), .seconds(60))
        XCTAssertEqual(r.period(for: "admin_action"), .years(10))
        XCTAssertEqual(r.period(for: "portal_view"), .years(7))
        XCTAssertEqual(AuditRetention().period(for: "delivered"), .forever)
        // Calendar years: 2024-02-29 + 1y is 2025-02-28 in Foundation's gregorian arithmetic; 6y from 2026-11-23 is 2032-11-23.
        XCTAssertEqual(AuditRetention.Period.years(6).end(after: Fixture.time).map(AuditTime.iso8601), "2032-11-23T10:00:00.000Z")
        XCTAssertNil(AuditRetention.Period.forever.end(after: Fixture.time))
    }
}
