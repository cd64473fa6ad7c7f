// PostgresAuditStore's prune: this node's own chain only (each node signs its own checkpoint), as a
// role that may DELETE and disable the append-only trigger (the table's owner: `audit prune --as`).

import Crypto
import Foundation
import Logging
import PostgresNIO

extension PostgresAuditStore: AuditPruning {
    /// Verifies this node's chain, plans, and prunes in one transaction that first locks the table
    /// (ALTER TABLE … DISABLE TRIGGER), so no append of any node interleaves; the trigger is enabled
    /// again before the commit, so no other session ever sees it off.
    public func prune(retention: AuditRetention, heldBy: @escaping @Sendable (String, Int64) -> String?, holds: [LegalHold],
                      key: Curve25519.Signing.PrivateKey, pinnedKey: Curve25519.Signing.PublicKey?, now: Date,
                      dryRun: Bool) throws -> PrunePlan {
        let node = self.node, logger = self.logger
        return try read("pruning the audit chain") { client in
            try await client.withConnection { conn in
                try await conn.query("BEGIN", logger: logger)
                do {
                    if !dryRun {
                        try await conn.query("ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_change", logger: logger)
                    }
                    let plan = try await Self.prune(conn, node: node, retention: retention, heldBy: heldBy, holds: holds, key: key,
                                                    pinnedKey: pinnedKey, now: now, dryRun: dryRun, logger: logger)
                    if dryRun || plan.checkpoint == nil {
                        try await conn.query("ROLLBACK", logger: logger)
                    } else {
                        try await conn.query("ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_change", logger: logger)
                        try await conn.query("COMMIT", logger: logger)
                    }
                    return plan
                } catch {
                    _ = try? await conn.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    private static func prune(_ conn: PostgresConnection, node: String, retention: AuditRetention,
                              heldBy: @escaping @Sendable (String, Int64) -> String?, holds: [LegalHold],
                              key: Curve25519.Signing.PrivateKey, pinnedKey: Curve25519.Signing.PublicKey?, now: Date,
                              dryRun: Bool, logger: Logger) async throws -> PrunePlan {
        var head: Int64 = 0
        for try await h in try await conn.query("SELECT coalesce(max(sequence), 0) FROM audit_records WHERE node = \(node)", logger: logger).decode(Int64.self) {
            head = h
        }
        var walker = ChainWalker(pinnedKey: pinnedKey)
        var planner = PrunePlanner(retention: retention, now: now, headSequence: head, heldBy: { heldBy(node, $0) })
        var planning = true
        let rows = try await conn.query("""
            SELECT sequence, time, event, queue_id, recipient, outcome, previous_hash, hash, canonical
            FROM audit_records WHERE node = \(node) ORDER BY sequence
            """, logger: logger)
        for try await (sequence, time, event, queueID, recipient, outcome, previous, hash, canonical)
            in rows.decode((Int64, String, String, String?, String?, String?, String, String, String).self) {
            let stored = StoredAuditRow(sequence: sequence, time: time, node: node, event: event, queueID: queueID,
                                        recipient: recipient, outcome: outcome, previousHash: previous, hash: hash,
                                        canonical: canonical)
            if let broken = walker.check(stored) {
                throw AuditError.corruptRecord(sequence: sequence,
                                               reason: "node \(node)'s chain does not verify (\(broken)); nothing pruned")
            }
            if planning { planning = planner.feed(stored) }
        }
        var plan = planner.plan(node: node)
        guard !dryRun, let (record, row) = try planner.checkpointRow(node: node, holds: holds, key: key, time: now) else { return plan }
        try await conn.query("DELETE FROM audit_records WHERE node = \(node) AND sequence <= \(record.sequence)", logger: logger)
        try await conn.query("""
            INSERT INTO audit_records (node, sequence, time, event, queue_id, recipient, outcome, previous_hash, hash, canonical)
            VALUES (\(row.node), \(row.sequence), \(row.time), \(row.event), \(row.queueID), \(row.recipient),
                    \(row.outcome), \(row.previousHash), \(row.hash), \(row.canonical))
            """, logger: logger)
        plan.checkpoint = record
        return plan
    }

    /// `verifyNodes()` with this node's checkpoint pinned to `pinnedKey`.
    public func verifyNodes(pinnedKey: Curve25519.Signing.PublicKey?) throws -> NodeChainsVerification {
        try verifyNodes(pinnedKeys: pinnedKey.map { [node: $0] } ?? [:])
    }
}
