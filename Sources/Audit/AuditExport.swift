// AuditExport: the stored records of a period exactly as hashed (their canonical text), as one
// unbroken run of the chain, and the check of such a run on its own (for signed bundles).

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

extension SQLiteAuditStore {
    /// Every record from the first to the last written in [since, until), gaps in time included, so
    /// the run is one piece of the chain (a record whose time is out of order lies inside it anyway).
    public func export(since: Date?, until: Date?) throws -> [ExportedRecord] {
        var range = AuditQuery()
        range.since = since; range.until = until
        let filter = AuditQuerySQL(range)
        return try pool.read { db in
            guard let bounds = try Row.fetchOne(db, sql: "SELECT min(r.sequence) AS lo, max(r.sequence) AS hi FROM audit_records r"
                                                + filter.whereClause, arguments: StatementArguments(filter.arguments)),
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
    /// The hash of the last line (or `previousHash` for none), or the first problem found.
    public static func check(_ lines: [String], firstSequence: Int64, previousHash: String) -> Result<String, AuditError> {
        var previous = previousHash, expected = firstSequence
        for line in lines {
            let record: CanonicalRecord
            do { record = try CanonicalRecord.decode(line) } catch {
                return .failure(.corruptRecord(sequence: expected, reason: "does not decode: \(error)"))
            }
            guard record.sequence == expected else {
                return .failure(.corruptRecord(sequence: expected, reason: "record missing (found \(record.sequence))"))
            }
            guard record.previousHash == previous else {
                return .failure(.corruptRecord(sequence: expected, reason: "previous_hash does not match the previous record's hash"))
            }
            previous = CanonicalRecord.sha256Hex(line)
            expected += 1
        }
        return .success(previous)
    }

    /// The genesis previous-hash (64 zeros).
    public static let genesisHash = CanonicalRecord.genesisHash
}
