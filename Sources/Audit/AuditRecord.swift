// AuditRecord and AuditStore: one stored, hash-chained audit record, and the protocol every
// store (SQLite now, PostgreSQL later, in-memory for tests of other targets) implements.

import Foundation
import MailCore

public struct AuditRecord: Sendable, Codable, Equatable {
    /// 1, 2, 3... with no gaps; the chain order.
    public var sequence: Int64
    /// When the record was written, to the millisecond (UTC).
    public var time: Date
    /// The gateway node that wrote it (config `hostname` or node name).
    public var node: String
    public var event: AuditEvent
    /// Lower-case hex SHA-256 of the previous record; 64 zeros for sequence 1.
    public var previousHash: String
    /// Lower-case hex SHA-256 of this record's canonical encoding (see `CanonicalRecord`).
    public var hash: String

    public init(sequence: Int64, time: Date, node: String, event: AuditEvent, previousHash: String, hash: String) {
        self.sequence = sequence; self.time = time; self.node = node; self.event = event
        self.previousHash = previousHash; self.hash = hash
    }

    private enum CodingKeys: String, CodingKey { case sequence, time, node, event, previousHash = "previous_hash", hash }
}

/// The result of walking the chain from sequence 1.
public enum ChainVerification: Sendable, Equatable {
    /// Every record recomputes to its stored hash and links to the one before; `count` records.
    case intact(count: Int)
    /// The first record that fails, and why.
    case broken(atSequence: Int64, reason: String)

    public var isIntact: Bool { if case .intact = self { return true } else { return false } }
}

public protocol AuditStore: Sendable {
    /// Appends one event at the head of the chain and returns the stored record.
    func append(_ event: AuditEvent) throws -> AuditRecord
    /// Every record about one message, in sequence order.
    func records(queueID: QueueID) throws -> [AuditRecord]
    /// Recomputes every hash and link from sequence 1.
    func verifyChain() throws -> ChainVerification
}

public enum AuditError: Error, Sendable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotCreateFile(path: String, errno: Int32)
    case unsupportedStoreURL(String)
    case corruptRecord(sequence: Int64, reason: String)
    /// A line of the audit outbox does not decode: the file was damaged or edited.
    case corruptOutbox(path: String, line: Int, reason: String)
    /// Neither the store nor the outbox could keep a record.
    case notRecorded(store: String, outbox: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let p, let r): return "cannot create directory \(p): \(r)"
        case .cannotCreateFile(let p, let e): return "cannot create audit file \(p): \(String(cString: strerror(e)))"
        case .unsupportedStoreURL(let s): return "unsupported audit store \"\(s)\" (expected sqlite:PATH)"
        case .corruptRecord(let s, let r): return "audit record \(s) is corrupt: \(r)"
        case .corruptOutbox(let p, let n, let r): return "\(p):\(n): audit outbox line does not decode: \(r)"
        case .notRecorded(let s, let o): return "audit record not kept: store: \(s); outbox: \(o)"
        }
    }
}
