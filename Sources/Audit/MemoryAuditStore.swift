// MemoryAuditStore: an in-process AuditStore with the same chain and canonical encoding as the
// SQLite store. For tests of other targets and for running without a configured audit file.

import Foundation
import MailCore

public final class MemoryAuditStore: AuditStore, AuditQuerying, @unchecked Sendable {
    public let node: String
    private let lock = NSLock()
    private var rows: [StoredAuditRow] = []
    private let clock: WallClock

    public init(node: String, clock: WallClock) {
        self.node = node
        self.clock = clock
    }

    public func append(_ event: AuditEvent) throws -> AuditRecord {
        lock.lock(); defer { lock.unlock() }
        let sequence = Int64(rows.count) + 1
        let previous = rows.last?.hash ?? CanonicalRecord.genesisHash
        let (record, canonical) = try CanonicalRecord.seal(sequence: sequence, time: clock.now(), node: node, event: event,
                                                           previousHash: previous)
        rows.append(StoredAuditRow(record: record, canonical: canonical))
        return record
    }

    public func records(queueID: QueueID) throws -> [AuditRecord] {
        try allRecords().filter { $0.event.queueID == queueID }
    }

    public func records(matching query: AuditQuery) throws -> [AuditRecord] {
        query.select(from: try allRecords())
    }

    /// Every record, in sequence order.
    public func allRecords() throws -> [AuditRecord] {
        let snapshot = lock.withLock { rows }
        return try snapshot.map { try $0.record() }
    }

    public func verifyChain() throws -> ChainVerification {
        let snapshot = lock.withLock { rows }
        var walker = ChainWalker()
        for row in snapshot { if let broken = walker.check(row) { return broken } }
        return walker.result
    }
}
