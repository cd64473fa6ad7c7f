// SharedStoreDatabase: the `shared_store` PostgreSQL that several nodes share (TLS observations,
// the MTA-STS cache, AUTH users): its connection pool, running for the object's life, and the schema.

import Audit
import Foundation
import Logging
import NIOCore
import PostgresNIO

public final class SharedStoreDatabase: @unchecked Sendable {
    public let location: PostgresLocation
    /// Also the portal store's (Gateway's `SharedPostgres`): one pool per daemon for `shared_store`.
    public let client: PostgresClient
    private let runner: Task<Void, Never>
    /// How long one store call may wait for PostgreSQL before it fails (the caller defers or answers 454).
    static let timeout: TimeInterval = 10

    /// The pool runs in a task of its own from here until `close()`, so the CLI and the daemon's
    /// start may use it at once.
    public init(location: PostgresLocation, password: String?, eventLoopGroup: EventLoopGroup, logger: Logger) {
        self.location = location
        let client = PostgresClient(configuration: location.clientConfiguration(password: password),
                                    eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Stops the pool (its connections close).
    public func close() { runner.cancel() }

    /// Creates the tables that are missing (idempotent; nodes starting together serialise on an
    /// advisory lock, as concurrent CREATE TABLE IF NOT EXISTS may otherwise collide).
    public func createSchema() async throws {
        try await callAsync("creating the shared-store schema") { try await Self.makeTables($0) }
    }

    /// The same, waiting on this thread (the CLI).
    public func createSchemaWaiting() throws {
        try call("creating the shared-store schema") { try await Self.makeTables($0) }
    }

    private static func makeTables(_ client: PostgresClient) async throws {
        try await client.withConnection { conn in
            let lock: PostgresQuery = "SELECT pg_advisory_lock(\(SharedStoreSchema.lockKey))::text"
            let unlock: PostgresQuery = "SELECT pg_advisory_unlock(\(SharedStoreSchema.lockKey))::text"
            try await run(lock, on: conn)
            do {
                for statement in SharedStoreSchema.statements { try await run(PostgresQuery(unsafeSQL: statement), on: conn) }
            } catch {
                try? await run(unlock, on: conn)
                throw error
            }
            try await run(unlock, on: conn)
        }
    }

    /// One statement, its rows (if any) read to the end.
    private static func run(_ query: PostgresQuery, on conn: PostgresConnection) async throws {
        for try await _ in try await conn.query(query, logger: quiet) {}
    }

    /// Runs `body` against the pool and waits for it, at most `timeout` (callers are thread-pool
    /// threads or a CLI's main thread, never the concurrency pool).
    func call<T>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) throws -> T {
        let client = self.client
        do {
            return try AsyncBridge.wait(timeout: Self.timeout, what: what) { try await body(client) }
        } catch let error as PSQLError {
            throw SharedStoreError(what: what, location: location.description, reason: PostgresAuditError.describe(error))
        }
    }

    /// The same from async code, bounded by `timeout` too.
    func callAsync<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client, location = self.location.description
        do {
            return try await withThrowingTaskGroup(of: T?.self) { tasks in
                tasks.addTask { try await body(client) }
                tasks.addTask { try await Task.sleep(nanoseconds: UInt64(Self.timeout * 1_000_000_000)); return nil }
                defer { tasks.cancelAll() }
                guard let first = try await tasks.next(), let value = first else {
                    throw SharedStoreError(what: what, location: location, reason: "no answer within \(Int(Self.timeout))s")
                }
                return value
            }
        } catch let error as PSQLError {
            throw SharedStoreError(what: what, location: location, reason: PostgresAuditError.describe(error))
        }
    }

    static let quiet = Logger(label: "sealgate.shared-store", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// A shared-store call that PostgreSQL refused or could not answer (no PHI: names and SQL states only).
public struct SharedStoreError: Error, CustomStringConvertible, Sendable {
    public var what: String
    public var location: String
    public var reason: String

    public var description: String { "shared store \(location): \(what): \(reason)" }
}
