// PortalPostgresLease: one connection taken from the PostgresClient's pool for the length of a portal
// store change, used from a blocking thread (each query bridged) and handed back when released.

import Audit
import Dispatch
import Foundation
import Logging
import PostgresNIO

final class PortalPostgresLease: @unchecked Sendable {
    let connection: PostgresConnection
    private let done: AsyncStream<Void>.Continuation
    private let timedOut: @Sendable (String, Int) -> Error
    private let timeout: TimeInterval

    private init(connection: PostgresConnection, done: AsyncStream<Void>.Continuation, timeout: TimeInterval,
                 timedOut: @escaping @Sendable (String, Int) -> Error) {
        self.connection = connection; self.done = done; self.timeout = timeout; self.timedOut = timedOut
    }

    private final class Slot: @unchecked Sendable {
        var connection: PostgresConnection?
        var error: Error?
    }

    /// Waits (at most `timeout`) for a connection of the pool; it stays leased until `release`.
    static func acquire(_ client: PostgresClient, timeout: TimeInterval,
                        timedOut: @escaping @Sendable (String, Int) -> Error) throws -> PortalPostgresLease {
        let (stream, done) = AsyncStream<Void>.makeStream()
        let slot = Slot()
        let ready = DispatchSemaphore(value: 0)
        let task = Task.detached {
            do {
                try await client.withConnection { connection in
                    slot.connection = connection
                    ready.signal()
                    for await _ in stream {}
                }
            } catch {
                if slot.connection == nil { slot.error = error; ready.signal() }
            }
        }
        guard ready.wait(timeout: .now() + timeout) == .success else {
            task.cancel(); done.finish()
            throw timedOut("a portal store connection", Int(timeout))
        }
        guard let connection = slot.connection else {
            done.finish()
            throw slot.error ?? timedOut("a portal store connection", Int(timeout))
        }
        return PortalPostgresLease(connection: connection, done: done, timeout: timeout, timedOut: timedOut)
    }

    func run(_ query: PostgresQuery, logger: Logger) throws {
        let connection = self.connection
        try AsyncBridge.wait(timeout: timeout, what: "a portal store query", timedOut: timedOut) {
            _ = try await connection.query(query, logger: logger)
        }
    }

    func rows<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) throws -> [T] {
        let connection = self.connection
        return try AsyncBridge.wait(timeout: timeout, what: "a portal store query", timedOut: timedOut) {
            var values: [T] = []
            for try await value in try await connection.query(query, logger: logger).decode(T.self) { values.append(value) }
            return values
        }
    }

    /// Hands the connection back to the pool.
    func release() { done.finish() }
}
