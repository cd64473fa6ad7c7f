// PostgresPortalBackend: the portal store's sealed blobs as rows of one PostgreSQL table shared by every
// node; a change is one transaction holding a transaction-level advisory lock (the file store's flock).

import Audit
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Rows `portal_blobs (key, bytes)`, keyed like the file store's paths (`portal/messages/<id>.keys`, ...).
/// Runs its queries through the injected `PostgresClient`, which the caller runs as a service.
final class PostgresPortalBackend: PortalStoreBackend, @unchecked Sendable {
    static let layout = PortalStoreLayout(root: "portal")
    /// The advisory-lock key of every change (the two-int form: class "SGP1", object 1).
    static let lockClass: Int32 = 0x5347_5031
    static let timeout: TimeInterval = 30
    static let schema = [
        "CREATE TABLE IF NOT EXISTS portal_blobs (key TEXT PRIMARY KEY, bytes BYTEA NOT NULL)",
    ]

    let client: PostgresClient
    let location: String
    private let logger: Logger
    private let lock = NSLock()
    /// The transaction each thread is in (a change runs on one blocking thread from start to end).
    private var leases: [pthread_t: PortalPostgresLease] = [:]

    init(client: PostgresClient, location: String, logger: Logger) {
        self.client = client; self.location = location; self.logger = logger
    }

    func prepare() throws {
        try locked {
            for statement in Self.schema { try run(PostgresQuery(unsafeSQL: statement)) }
        }
    }

    func read(_ key: PortalStoreKey) throws -> [UInt8]? {
        let path = Self.layout.path(key)
        return try rows("SELECT bytes FROM portal_blobs WHERE key = \(path)", as: ByteBuffer.self).first
            .map { Array($0.readableBytesView) }
    }

    func write(_ key: PortalStoreKey, _ bytes: [UInt8]) throws {
        let path = Self.layout.path(key)
        let buffer = ByteBuffer(bytes: bytes)
        try run("""
            INSERT INTO portal_blobs (key, bytes) VALUES (\(path), \(buffer))
            ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes
            """)
    }

    func remove(_ key: PortalStoreKey) throws {
        let path = Self.layout.path(key)
        try run("DELETE FROM portal_blobs WHERE key = \(path)")
    }

    func messageFiles() throws -> [(PortalMessageID, PortalStoreLayout.MessageFile)] {
        let prefix = Self.layout.messages + "/"
        let pattern = prefix + "%"
        return try rows("SELECT key FROM portal_blobs WHERE key LIKE \(pattern) ORDER BY key", as: String.self)
            .compactMap { PortalStoreLayout.messageFile(named: String($0.dropFirst(prefix.count))) }
    }

    func hasRecipients() throws -> Bool {
        let pattern = Self.layout.recipients + "/%"
        return try rows("SELECT EXISTS (SELECT 1 FROM portal_blobs WHERE key LIKE \(pattern))", as: Bool.self).first ?? false
    }

    /// One transaction on one leased connection, under the advisory lock: other nodes' changes wait,
    /// and a failure rolls every write of the change back. A change inside a change joins it.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let thread = pthread_self()
        if lock.withLock({ leases[thread] }) != nil { return try body() }
        let lease = try PortalPostgresLease.acquire(client, timeout: Self.timeout, timedOut: Self.timedOut)
        do {
            try lease.run("BEGIN", logger: logger)
            try lease.run("SELECT pg_advisory_xact_lock(\(Self.lockClass), 1)", logger: logger)
        } catch {
            lease.release()
            throw Self.failure(error)
        }
        lock.withLock { leases[thread] = lease }
        defer {
            lock.withLock { leases[thread] = nil }
            lease.release()
        }
        do {
            let result = try body()
            try lease.run("COMMIT", logger: logger)
            return result
        } catch {
            try? lease.run("ROLLBACK", logger: logger)
            throw Self.failure(error)
        }
    }

    /// A committed transaction is durable (synchronous_commit): nothing more to do.
    func syncRemovals() throws {}

    /// A transaction either happened or did not: no leftovers.
    func removeLeftovers() throws -> Bool { false }

    // MARK: - queries

    private func run(_ query: PostgresQuery) throws {
        if let lease = lock.withLock({ leases[pthread_self()] }) { return try lease.run(query, logger: logger) }
        let (client, logger) = (self.client, self.logger)
        try bridge { _ = try await client.query(query, logger: logger) }
    }

    private func rows<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type) throws -> [T] {
        if let lease = lock.withLock({ leases[pthread_self()] }) { return try lease.rows(query, as: type, logger: logger) }
        let (client, logger) = (self.client, self.logger)
        return try bridge {
            var values: [T] = []
            for try await value in try await client.query(query, logger: logger).decode(T.self) { values.append(value) }
            return values
        }
    }

    private func bridge<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        do {
            return try AsyncBridge.wait(timeout: Self.timeout, what: "a portal store query", timedOut: Self.timedOut, body)
        } catch {
            throw Self.failure(error)
        }
    }

    static let timedOut: @Sendable (String, Int) -> Error = { what, seconds in
        PortalStoreError.unavailable("\(what) did not finish within \(seconds)s")
    }

    /// The store's own errors as they are; a server's or the connection's as `.unavailable`, with the
    /// server's message (never a value: the blobs are bound parameters, and sealed).
    static func failure(_ error: Error) -> Error {
        if error is PortalStoreError { return error }
        return PortalStoreError.unavailable(PostgresAuditError.describe(error))
    }
}
