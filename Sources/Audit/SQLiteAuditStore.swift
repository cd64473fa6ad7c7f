// SQLiteAuditStore: the embedded audit store. One SQLite file in WAL mode, written through GRDB's
// single pool writer inside IMMEDIATE transactions, so the chain never forks (even across processes).

import Crypto
import Foundation
import GRDB
import MailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class SQLiteAuditStore: AuditStore, AuditQuerying, @unchecked Sendable {
    public let path: String
    public let node: String
    let pool: DatabasePool
    private let clock: WallClock
    /// Concurrent appends share a transaction: one WAL fsync for many records.
    private let group: GroupCommit<AuditEvent, AuditRecord>

    /// Opens or creates the store: parent directory (0700), file mode 0600, WAL, schema migration.
    /// `clock` supplies record times; the default is the system clock.
    public init(path: String, node: String, clock: WallClock) throws {
        self.path = path
        self.node = node
        self.clock = clock
        try SQLiteAuditStore.prepareFile(at: path)
        var config = Configuration()
        config.label = "sealgate.audit"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Each commit is on stable storage before append() returns.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try AuditSchema.migrator.migrate(pool)
        // GRDB opens WAL pools with synchronous=NORMAL; the audit wants every commit on stable
        // storage (the writer connection keeps this for its lifetime). Group commit keeps it cheap.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.pool = pool
        group = GroupCommit { events in try SQLiteAuditStore.appendBatch(events, pool: pool, node: node, clock: clock) }
    }

    /// Opens a store from the config form `sqlite:PATH`; a relative PATH is resolved against `baseDirectory`.
    public convenience init(url: String, node: String, baseDirectory: String, clock: WallClock) throws {
        guard url.hasPrefix("sqlite:"), url.count > "sqlite:".count else { throw AuditError.unsupportedStoreURL(url) }
        var file = String(url.dropFirst("sqlite:".count))
        if !file.hasPrefix("/") { file = (baseDirectory as NSString).appendingPathComponent(file) }
        try self.init(path: file, node: node, clock: clock)
    }

    /// Durable on return (synchronous=FULL); appends racing with this one commit together.
    public func append(_ event: AuditEvent) throws -> AuditRecord {
        try group.submit(event)
    }

    /// Appends `events` in order in one IMMEDIATE transaction, chaining each to the one before.
    static func appendBatch(_ events: [AuditEvent], pool: DatabasePool, node: String,
                            clock: WallClock) throws -> [AuditRecord] {
        try pool.writeWithoutTransaction { db in
            var sealed: [AuditRecord] = []
            try db.inTransaction(.immediate) {
                sealed = []
                // Cached statements: parsed once per connection, not once per batch.
                let head = try Row.fetchOne(try db.cachedStatement(
                    sql: "SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1"))
                var sequence: Int64 = head?["sequence"] ?? 0
                var previous: String = head?["hash"] ?? CanonicalRecord.genesisHash
                for event in events {
                    sequence += 1
                    let (record, canonical) = try CanonicalRecord.seal(sequence: sequence, time: clock.now(), node: node,
                                                                       event: event, previousHash: previous)
                    try SQLiteAuditStore.insert(StoredAuditRow(record: record, canonical: canonical), db)
                    sealed.append(record)
                    previous = record.hash
                }
                return .commit
            }
            guard sealed.count == events.count else { throw AuditError.corruptRecord(sequence: 0, reason: "append did not commit") }
            return sealed
        }
    }

    public func records(queueID: QueueID) throws -> [AuditRecord] {
        try records(matching: AuditQuery(queueID: queueID))
    }

    /// Records matching every given criterion, in sequence order (AuditQuerySQL translates it).
    public func records(matching query: AuditQuery) throws -> [AuditRecord] {
        let filter = AuditQuerySQL(query)
        var sql = "SELECT r.canonical, r.hash FROM audit_records r" + filter.whereClause + " ORDER BY r.sequence"
        if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map { row in
                try CanonicalRecord.decode(row["canonical"]).record(hash: row["hash"])
            }
        }
    }

    /// The newest record's sequence and hash: publish it elsewhere to make truncation detectable.
    public func head() throws -> (sequence: Int64, hash: String)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1")
            else { return nil }
            return (row["sequence"], row["hash"])
        }
    }

    public func verifyChain() throws -> ChainVerification { try verifyChain(pinnedKey: nil) }

    /// Like `verifyChain()`; a checkpoint at the start must be signed by `pinnedKey` when given.
    public func verifyChain(pinnedKey: Curve25519.Signing.PublicKey?) throws -> ChainVerification {
        try pool.read { db in
            var walker = ChainWalker(pinnedKey: pinnedKey)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT sequence, time, node, event, queue_id, recipient, outcome, previous_hash, hash, canonical
                FROM audit_records ORDER BY sequence
                """)
            while let row = try rows.next() {
                let stored = StoredAuditRow(sequence: row["sequence"], time: row["time"], node: row["node"], event: row["event"],
                                            queueID: row["queue_id"], recipient: row["recipient"], outcome: row["outcome"],
                                            previousHash: row["previous_hash"], hash: row["hash"], canonical: row["canonical"])
                if let broken = walker.check(stored) { return broken }
            }
            return walker.result
        }
    }

    static func insert(_ row: StoredAuditRow, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO audit_records (sequence, time, node, event, queue_id, recipient, outcome, previous_hash, hash, canonical)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [row.sequence, row.time, row.node, row.event, row.queueID, row.recipient, row.outcome,
                             row.previousHash, row.hash, row.canonical])
    }

    /// Creates the parent directory and the database file with owner-only permissions before
    /// SQLite opens it; SQLite gives its -wal and -shm files the database file's mode.
    private static func prepareFile(at path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700]) } catch {
                throw AuditError.cannotCreateDirectory(path: dir, reason: "\(error)")
            }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditError.cannotCreateFile(path: path, errno: errno) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw AuditError.cannotCreateFile(path: path, errno: errno) }
    }
}
