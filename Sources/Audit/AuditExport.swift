// AuditExport: the stored records of a period exactly as hashed (their canonical text), as one
// unbroken run of each chain (SQLite has one, PostgreSQL one per node), and the check of such a run
// on its own (for signed bundles).

import Foundation
import GRDB
import MailCore

/// One record as exported: `canonical` is the text its `hash` covers (the bundle's line).
public struct ExportedRecord: Sendable, Equatable {
    public var sequence: Int64
    public var time: String
    public var node: String
    public var hash: String
    public var previousHash: String
    public var canonical: String
}

/// One chain's part of an export: its records from the first to the last written in the period (none
/// when the period has none of its records), and the chain's head when exported.
public struct ExportedChain: Sendable, Equatable {
    /// The node whose chain this is (PostgreSQL keeps one chain per node); nil for SQLite's one chain.
    public var node: String?
    public var records: [ExportedRecord]
    public var headSequence: Int64
    public var headHash: String

    public init(node: String?, records: [ExportedRecord], headSequence: Int64, headHash: String) {
        self.node = node; self.records = records; self.headSequence = headSequence; self.headHash = headHash
    }
}

/// A store that can export a period for `sealgate audit export`.
public protocol AuditExporting: Sendable {
    /// Every chain the store holds (sorted by node), each with its unbroken run of the period.
    func exportChains(since: Date?, until: Date?) throws -> [ExportedChain]
}

extension SQLiteAuditStore: AuditExporting {
    /// The one chain, when the store has any record.
    public func exportChains(since: Date?, until: Date?) throws -> [ExportedChain] {
        let records = try export(since: since, until: until)
        guard let head = try head() else { return [] }
        return [ExportedChain(node: nil, records: records, headSequence: head.sequence, headHash: head.hash)]
    }

    /// Every record from the first to the last written in [since, until), gaps in time included, so
    /// the run is one piece of the chain (a record whose time is out of order lies inside it anyway).
    public func export(since: Date?, until: Date?) throws -> [ExportedRecord] {
        var range = AuditQuery()
        range.since = since; range.until = until
        let filter = AuditQuerySQL(range)
        return try pool.read { db in
            guard let bounds = try Row.fetchOne(db, sql: "SELECT min(r.sequence) AS lo, max(r.sequence) AS hi FROM audit_records r"
                                                + filter.whereClause, arguments: filter.arguments),
                  let lo: Int64 = bounds["lo"], let hi: Int64 = bounds["hi"] else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT sequence, time, node, hash, previous_hash, canonical FROM audit_records
                WHERE sequence BETWEEN ? AND ? ORDER BY sequence
                """, arguments: [lo, hi]).map {
                ExportedRecord(sequence: $0["sequence"], time: $0["time"], node: $0["node"], hash: $0["hash"],
                               previousHash: $0["previous_hash"], canonical: $0["canonical"])
            }
        }
    }
}

/// Checks a run of canonical records on its own: each line hashes to the next one's previous_hash,
/// sequences follow one another, and each line decodes as a record.
public enum CanonicalRun {
    /// The hash of the last line (or `previousHash` for none), or the first problem found. With
    /// `node`, every record must be that node's (a PostgreSQL node's chain).
    public static func check(_ lines: [String], firstSequence: Int64, previousHash: String,
                             node: String? = nil) -> Result<String, AuditError> {
        var previous = previousHash, expected = firstSequence
        for line in lines {
            let record: CanonicalRecord
            do { record = try CanonicalRecord.decode(line) } catch {
                return .failure(.corruptRecord(sequence: expected, reason: "does not decode: \(error)"))
            }
            if let node, record.node != node {
                return .failure(.corruptRecord(sequence: expected, reason: "a record of node \(record.node) in node \(node)'s chain"))
            }
            guard record.sequence == expected else {
                return .failure(.corruptRecord(sequence: expected, reason: "record missing (found \(record.sequence))"))
            }
            guard record.previousHash == previous else {
                return .failure(.corruptRecord(sequence: expected, reason: "previous_hash does not match the previous record's hash"))
            }
            if case .checkpoint(let cp) = record.event {
                // A prune's checkpoint, only as the run's first line: the next record follows the last pruned one.
                guard expected == firstSequence else {
                    return .failure(.corruptRecord(sequence: expected, reason: "a checkpoint inside the run"))
                }
                if let problem = cp.signatureProblem(node: record.node, pinned: nil) {
                    return .failure(.corruptRecord(sequence: expected, reason: problem))
                }
                previous = cp.lastHash
                expected += 1
                continue
            }
            previous = CanonicalRecord.sha256Hex(line)
            expected += 1
        }
        return .success(previous)
    }

    /// The genesis previous-hash (64 zeros).
    public static let genesisHash = CanonicalRecord.genesisHash
}
