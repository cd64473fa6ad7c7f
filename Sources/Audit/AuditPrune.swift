// AuditPrune: which prefix of a chain `sealgate audit prune` may remove (records past their retention
// that no legal hold covers, from the chain's start up to the first that must stay), and the signed
// checkpoint that replaces it. Shared by the SQLite store and each node's chain on PostgreSQL.

import Crypto
import Foundation
import GRDB

/// What a prune removes (or would: `--dry-run`) from one chain, and why it stopped where it did.
public struct PrunePlan: Sendable, Equatable {
    /// The chain's node on PostgreSQL; nil for SQLite's one chain.
    public var node: String?
    /// The first and last record this prune removes (nil: nothing to remove).
    public var firstSequence: Int64?
    public var lastSequence: Int64?
    /// Records removed (the old checkpoint, when there is one, is replaced, not counted).
    public var count: Int
    /// Removed records per event name.
    public var byEvent: [String: Int]
    /// Why the prune stopped (the first record that stays), nil when it reached the head.
    public var stop: String?
    /// The new checkpoint, once written.
    public var checkpoint: AuditRecord?

    /// One line for the CLI: `removed 120 record(s), sequence 1-120 (accepted=40 delivered=80); stopped at …`.
    public func line(dryRun: Bool) -> String {
        let chain = node.map { "node \($0): " } ?? ""
        guard let first = firstSequence, let last = lastSequence else {
            return chain + "nothing to prune" + (stop.map { "; " + $0 } ?? "")
        }
        let events = byEvent.keys.sorted().map { "\($0)=\(byEvent[$0] ?? 0)" }.joined(separator: " ")
        var text = chain + (dryRun ? "would remove" : "removed") + " \(count) record(s), sequence \(first)-\(last) (\(events))"
        if let checkpoint { text += "; checkpoint at sequence \(checkpoint.sequence), hash \(checkpoint.hash)" }
        if let stop { text += "; " + stop }
        return text
    }
}

/// Walks a chain's rows from its start and finds the prefix that may go.
struct PrunePlanner {
    let retention: AuditRetention
    let now: Date
    /// The hold that covers a record (by its sequence), if any.
    let heldBy: (Int64) -> String?
    /// The chain's newest record: it always stays, since the next append links to its hash.
    let headSequence: Int64
    private(set) var existing: (row: StoredAuditRow, event: CheckpointEvent)?
    private(set) var first: StoredAuditRow?
    private(set) var last: StoredAuditRow?
    private(set) var count = 0
    private(set) var byEvent: [String: Int] = [:]
    private(set) var stop: String?

    init(retention: AuditRetention, now: Date, headSequence: Int64, heldBy: @escaping (Int64) -> String?) {
        self.retention = retention; self.now = now; self.headSequence = headSequence; self.heldBy = heldBy
    }

    /// Takes the next row in chain order; false once the prune has stopped (feed no more rows).
    mutating func feed(_ row: StoredAuditRow) -> Bool {
        guard stop == nil else { return false }
        if first == nil, existing == nil, row.event == "audit_checkpoint",
           let cp = try? CanonicalRecord.decode(row.canonical), case .checkpoint(let event) = cp.event {
            existing = (row, event)
            return true
        }
        if row.sequence >= headSequence {
            stop = "stopped at record \(row.sequence): the newest record always stays (the next record links to it)"
            return false
        }
        let period = retention.period(for: row.event)
        guard let time = AuditTime.parseISO8601(row.time) else {
            stop = "stopped at record \(row.sequence): its time \(row.time) does not parse"
            return false
        }
        guard let end = period.end(after: time) else {
            stop = "stopped at record \(row.sequence) (\(row.event)): kept forever (no retention for it)"
            return false
        }
        guard end <= now else {
            stop = "stopped at record \(row.sequence) (\(row.event), \(row.time)): kept until \(AuditTime.iso8601(end)) (retention \(period))"
            return false
        }
        if let hold = heldBy(row.sequence) {
            stop = "stopped at record \(row.sequence) (\(row.event), \(row.time)): held by \(hold)"
            return false
        }
        if first == nil { first = row }
        last = row
        count += 1
        byEvent[row.event, default: 0] += 1
        return true
    }

    func plan(node: String?) -> PrunePlan {
        PrunePlan(node: node, firstSequence: first?.sequence, lastSequence: last?.sequence, count: count, byEvent: byEvent,
                  stop: stop, checkpoint: nil)
    }

    /// The checkpoint row that replaces the existing checkpoint (if any) and the planned records,
    /// signed by `key` for `node`; nil when nothing is to be removed.
    func checkpointRow(node: String, holds: [LegalHold], key: Curve25519.Signing.PrivateKey, time: Date) throws
        -> (record: AuditRecord, row: StoredAuditRow)? {
        guard let first, let last else { return nil }
        var event = CheckpointEvent(firstSequence: existing?.event.firstSequence ?? first.sequence, lastSequence: last.sequence,
                                    count: (existing?.event.count ?? 0) + Int64(count),
                                    firstPreviousHash: existing?.event.firstPreviousHash ?? first.previousHash,
                                    lastHash: last.hash, pruned: Int64(count), previousCheckpoint: existing?.row.hash,
                                    holds: holds.isEmpty ? nil : holds, signingKey: "")
        try event.sign(node: node, key: key)
        let (record, canonical) = try CanonicalRecord.seal(sequence: last.sequence, time: time, node: node,
                                                           event: .checkpoint(event), previousHash: event.firstPreviousHash)
        return (record, StoredAuditRow(record: record, canonical: canonical))
    }
}

/// A store that can prune its chains' prefixes.
public protocol AuditPruning: Sendable {
    /// Prunes (or with `dryRun` only plans) each of this node's chains: SQLite's one chain, or on
    /// PostgreSQL this node's own. `heldBy` maps a record (node, sequence) to the hold that covers it.
    /// Refuses (throws) when the chain does not verify: pruning must never hide a broken record.
    func prune(retention: AuditRetention, heldBy: @escaping @Sendable (String, Int64) -> String?, holds: [LegalHold],
               key: Curve25519.Signing.PrivateKey, pinnedKey: Curve25519.Signing.PublicKey?, now: Date,
               dryRun: Bool) throws -> PrunePlan
}

extension SQLiteAuditStore: AuditPruning {
    /// Verifies, plans and prunes in one IMMEDIATE transaction, so no append interleaves: the
    /// append-only DELETE trigger is dropped and made again inside it, and the checkpoint takes the
    /// last removed record's sequence.
    public func prune(retention: AuditRetention, heldBy: @escaping @Sendable (String, Int64) -> String?, holds: [LegalHold],
                      key: Curve25519.Signing.PrivateKey, pinnedKey: Curve25519.Signing.PublicKey?, now: Date,
                      dryRun: Bool) throws -> PrunePlan {
        try pool.writeWithoutTransaction { db in
            var plan = PrunePlan(node: nil, count: 0, byEvent: [:])
            try db.inTransaction(.immediate) {
                var walker = ChainWalker(pinnedKey: pinnedKey)
                let head = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM audit_records") ?? 0
                var planner = PrunePlanner(retention: retention, now: now, headSequence: head, heldBy: { heldBy("", $0) })
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT sequence, time, node, event, queue_id, recipient, outcome, previous_hash, hash, canonical
                    FROM audit_records ORDER BY sequence
                    """)
                var planning = true
                while let row = try rows.next() {
                    let stored = StoredAuditRow(sequence: row["sequence"], time: row["time"], node: row["node"], event: row["event"],
                                                queueID: row["queue_id"], recipient: row["recipient"], outcome: row["outcome"],
                                                previousHash: row["previous_hash"], hash: row["hash"], canonical: row["canonical"])
                    if let broken = walker.check(stored) {
                        throw AuditError.corruptRecord(sequence: stored.sequence,
                                                       reason: "the chain does not verify (\(broken)); nothing pruned")
                    }
                    if planning { planning = planner.feed(stored) }
                }
                plan = planner.plan(node: nil)
                guard !dryRun, let (record, row) = try planner.checkpointRow(node: node, holds: holds, key: key, time: now)
                else { return .rollback }
                try db.execute(sql: "DROP TRIGGER audit_records_no_delete")
                try db.execute(sql: "DELETE FROM audit_records WHERE sequence <= ?", arguments: [record.sequence])
                try SQLiteAuditStore.insert(row, db)
                try db.execute(sql: AuditSchema.noDeleteTrigger)
                plan.checkpoint = record
                return .commit
            }
            return plan
        }
    }
}
