// ChainWalker: checks stored audit rows one at a time, in sequence order, against the hash chain
// and against their own canonical text. Shared by every store so all verify the same way.

import Crypto
import Foundation
import MailCore

/// One row as a store holds it: the canonical text, its hashes, and the queryable copies.
struct StoredAuditRow {
    var sequence: Int64
    var time: String
    var node: String
    var event: String
    var queueID: String?
    var recipient: String?
    var outcome: String?
    var previousHash: String
    var hash: String
    var canonical: String

    /// The row a store writes for a freshly sealed record.
    init(record: AuditRecord, canonical: String) {
        let columns = IndexColumns(record.event)
        sequence = record.sequence; time = AuditTime.iso8601(record.time); node = record.node
        event = columns.event; queueID = columns.queueID; recipient = columns.recipient; outcome = columns.outcome
        previousHash = record.previousHash; hash = record.hash; self.canonical = canonical
    }

    init(sequence: Int64, time: String, node: String, event: String, queueID: String?, recipient: String?,
         outcome: String?, previousHash: String, hash: String, canonical: String) {
        self.sequence = sequence; self.time = time; self.node = node; self.event = event; self.queueID = queueID
        self.recipient = recipient; self.outcome = outcome; self.previousHash = previousHash; self.hash = hash
        self.canonical = canonical
    }

    func record() throws -> AuditRecord { try CanonicalRecord.decode(canonical).record(hash: hash) }
}

/// The queryable columns derived from an event.
struct IndexColumns: Equatable {
    var event: String, queueID: String?, recipient: String?, outcome: String?

    init(_ e: AuditEvent) {
        event = e.name; queueID = e.queueID?.value; recipient = e.recipient?.description; outcome = e.outcome?.rawValue
    }
}

struct ChainWalker {
    private(set) var count = 0
    private var expectedSequence: Int64 = 1
    private var expectedPrevious = CanonicalRecord.genesisHash
    /// The checkpoint the chain starts with (after `sealgate audit prune`), once checked.
    private(set) var checkpoint: CheckpointEvent?
    /// When set, a checkpoint must be signed by this key (this node's audit.signing_key).
    var pinnedKey: Curve25519.Signing.PublicKey?

    init(pinnedKey: Curve25519.Signing.PublicKey? = nil) { self.pinnedKey = pinnedKey }

    /// Checks the next row; returns a `.broken` result at the first problem, nil when the row is good.
    mutating func check(_ row: StoredAuditRow) -> ChainVerification? {
        func broken(_ reason: String) -> ChainVerification { .broken(atSequence: row.sequence, reason: reason) }
        if count == 0 && row.event == "audit_checkpoint" { return checkCheckpoint(row) }
        if row.event == "audit_checkpoint" {
            return broken("a checkpoint is only valid as the first record of a chain")
        }
        if row.sequence != expectedSequence {
            if count == 0 {
                return .broken(atSequence: expectedSequence,
                               reason: "the chain starts at record \(row.sequence) without a checkpoint (records from \(expectedSequence) are missing)")
            }
            return .broken(atSequence: expectedSequence,
                           reason: "record \(expectedSequence) is missing (next stored record is \(row.sequence))")
        }
        if row.previousHash != expectedPrevious {
            if count == 1, checkpoint != nil {
                return broken("previous_hash does not match the checkpoint last_hash (the hash of pruned record \(row.sequence - 1))")
            }
            return broken("previous_hash does not match the hash of record \(row.sequence - 1)")
        }
        if CanonicalRecord.sha256Hex(row.canonical) != row.hash {
            return broken("hash does not match the SHA-256 of the canonical record")
        }
        let canonical: CanonicalRecord
        do { canonical = try CanonicalRecord.decode(row.canonical) } catch {
            return broken("canonical record does not decode: \(error)")
        }
        if canonical.sequence != row.sequence || canonical.previousHash != row.previousHash {
            return broken("sequence or previous_hash column disagrees with the canonical record")
        }
        if canonical.time != row.time || canonical.node != row.node {
            return broken("time or node column disagrees with the canonical record")
        }
        let columns = IndexColumns(canonical.event)
        if columns != IndexColumns(event: row.event, queueID: row.queueID, recipient: row.recipient, outcome: row.outcome) {
            return broken("event, queue_id, recipient or outcome column disagrees with the canonical record")
        }
        count += 1
        expectedSequence += 1
        expectedPrevious = row.hash
        return nil
    }

    var result: ChainVerification { .intact(count: count) }

    /// The first row is a checkpoint: its own hash and columns, its signature, its place (the sequence of
    /// the last record it stands for); the next record must then follow `last_hash`.
    private mutating func checkCheckpoint(_ row: StoredAuditRow) -> ChainVerification? {
        func broken(_ reason: String) -> ChainVerification { .broken(atSequence: row.sequence, reason: "checkpoint: " + reason) }
        if CanonicalRecord.sha256Hex(row.canonical) != row.hash {
            return broken("hash does not match the SHA-256 of the canonical record")
        }
        guard let canonical = try? CanonicalRecord.decode(row.canonical), case .checkpoint(let cp) = canonical.event else {
            return broken("the canonical record does not decode as a checkpoint")
        }
        if canonical.sequence != row.sequence || canonical.previousHash != row.previousHash || canonical.time != row.time
            || canonical.node != row.node || IndexColumns(canonical.event) != IndexColumns(event: row.event, queueID: row.queueID,
                                                                                          recipient: row.recipient, outcome: row.outcome) {
            return broken("a column disagrees with the canonical record")
        }
        if let problem = cp.signatureProblem(node: canonical.node, pinned: pinnedKey) { return broken(problem) }
        guard cp.lastSequence == row.sequence, cp.firstSequence >= 1, cp.firstSequence <= cp.lastSequence,
              cp.count == cp.lastSequence - cp.firstSequence + 1 else {
            return broken("its range \(cp.firstSequence)-\(cp.lastSequence) (count \(cp.count)) does not fit its place at sequence \(row.sequence)")
        }
        guard row.previousHash == cp.firstPreviousHash, cp.firstSequence != 1 || cp.firstPreviousHash == CanonicalRecord.genesisHash
        else { return broken("previous_hash is not the first pruned record's previous_hash") }
        checkpoint = cp
        count = 1
        expectedSequence = row.sequence + 1
        expectedPrevious = cp.lastHash
        return nil
    }
}

extension IndexColumns {
    init(event: String, queueID: String?, recipient: String?, outcome: String?) {
        self.event = event; self.queueID = queueID; self.recipient = recipient; self.outcome = outcome
    }
}
