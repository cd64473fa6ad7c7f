// PostgresChainWriter: the one connection through which a node appends to its own chain. It holds
// the node's advisory locks for its lifetime, so a second process with the same node is refused.

import Crypto
import Foundation
import Logging
import MailCore
import NIOCore
import PostgresNIO

final class PostgresChainWriter: @unchecked Sendable {
    let node: String
    let nodeID: UInt16
    private let configuration: PostgresConnection.Configuration
    private let group: EventLoopGroup
    private let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(node: String, nodeID: UInt16, configuration: PostgresConnection.Configuration, group: EventLoopGroup, logger: Logger) {
        self.node = node; self.nodeID = nodeID; self.configuration = configuration; self.group = group; self.logger = logger
    }

    /// The open, locked connection: connects and takes both locks when there is none. Throws
    /// `nodeLocked` when another session holds either lock, `schemaMissing` without the tables.
    func connected() async throws -> PostgresConnection {
        if let open = lock.withLock({ connection }), !open.isClosed { return open }
        let fresh = try await PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger)
        do {
            try await takeLocks(fresh)
            let rows = try await fresh.query("SELECT to_regclass('audit_records') IS NOT NULL", logger: logger)
            for try await exists in rows.decode(Bool.self) where !exists {
                throw PostgresAuditError.schemaMissing("the table audit_records does not exist")
            }
        } catch {
            try? await fresh.close()
            throw error
        }
        let previous = lock.withLock { () -> PostgresConnection? in
            defer { connection = fresh }
            return connection
        }
        if let previous { try? await previous.close() }
        return fresh
    }

    private func takeLocks(_ conn: PostgresConnection) async throws {
        let nameKey = Self.lockKey(node), idKey = Int32(nodeID)
        let rows = try await conn.query("""
            SELECT pg_try_advisory_lock(\(PostgresAuditSchema.nameLockClass), \(nameKey)),
                   pg_try_advisory_lock(\(PostgresAuditSchema.nodeIDLockClass), \(idKey))
            """, logger: logger)
        for try await (byName, byID) in rows.decode((Bool, Bool).self) {
            if !byName { throw PostgresAuditError.nodeLocked(node: node, nodeID: nodeID, what: "node name \"\(node)\"") }
            if !byID { throw PostgresAuditError.nodeLocked(node: node, nodeID: nodeID, what: "node_id \(nodeID)") }
        }
    }

    /// The name lock's key: the first four bytes of the name's SHA-256 (stable across processes).
    static func lockKey(_ name: String) -> Int32 {
        let digest = Array(SHA256.hash(data: Data(name.utf8)))
        return Int32(bitPattern: UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3]))
    }

    /// Appends `events` in order in one transaction after this node's head. Any failure closes the
    /// connection (its state is unknown); the next call reconnects and takes the locks again.
    func append(_ events: [AuditEvent], clock: WallClock) async throws -> [AuditRecord] {
        let conn = try await connected()
        do {
            try await conn.query("BEGIN", logger: logger)
            var sequence: Int64 = 0
            var previous = CanonicalRecord.genesisHash
            let head = try await conn.query("""
                SELECT sequence, hash FROM audit_records WHERE node = \(node) ORDER BY sequence DESC LIMIT 1
                """, logger: logger)
            for try await (s, h) in head.decode((Int64, String).self) { sequence = s; previous = h }
            var sealed: [AuditRecord] = []
            for event in events {
                sequence += 1
                let (record, canonical) = try CanonicalRecord.seal(sequence: sequence, time: clock.now(), node: node,
                                                                   event: event, previousHash: previous)
                let row = StoredAuditRow(record: record, canonical: canonical)
                try await conn.query("""
                    INSERT INTO audit_records (node, sequence, time, event, queue_id, recipient, outcome, previous_hash, hash, canonical)
                    VALUES (\(row.node), \(row.sequence), \(row.time), \(row.event), \(row.queueID), \(row.recipient),
                            \(row.outcome), \(row.previousHash), \(row.hash), \(row.canonical))
                    """, logger: logger)
                sealed.append(record)
                previous = record.hash
            }
            try await conn.query("COMMIT", logger: logger)
            return sealed
        } catch {
            await drop(conn)
            if PostgresAuditError.isUndefinedTable(error) {
                throw PostgresAuditError.schemaMissing("the table audit_records does not exist")
            }
            throw error
        }
    }

    /// Closes `conn` if it is still the current connection (releasing the locks with it).
    func drop(_ conn: PostgresConnection? = nil) async {
        let victim = lock.withLock { () -> PostgresConnection? in
            guard let current = connection, conn == nil || current === conn else { return nil }
            connection = nil
            return current
        }
        if let victim { try? await victim.close() }
    }
}
