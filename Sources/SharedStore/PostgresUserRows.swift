// PostgresUserRows: the AUTH users' rows in the shared store (name, password hash, sender addresses).
// Hashing and checking stay with Gateway's user store; this file only moves rows.

import Foundation
import PostgresNIO

public struct SharedUserRow: Sendable, Equatable {
    public var name: String
    /// The encoded PBKDF2 hash (Gateway's PasswordHash), never a password.
    public var passwordHash: String
    public var addresses: [String]

    public init(name: String, passwordHash: String, addresses: [String]) {
        self.name = name; self.passwordHash = passwordHash; self.addresses = addresses
    }
}

public final class PostgresUserRows: @unchecked Sendable {
    private let database: SharedStoreDatabase

    public init(database: SharedStoreDatabase) { self.database = database }

    /// Adds the user or replaces the one of that name.
    public func upsert(_ row: SharedUserRow) throws {
        try database.call("writing a user") { client in
            _ = try await client.query("""
                INSERT INTO gateway_users (name, password_hash, addresses) VALUES (\(row.name), \(row.passwordHash), \(row.addresses))
                ON CONFLICT (name) DO UPDATE SET password_hash = EXCLUDED.password_hash, addresses = EXCLUDED.addresses
                """)
        }
    }

    /// False when there was no such user.
    public func delete(name: String) throws -> Bool {
        try database.call("removing a user") { client in
            let rows = try await client.query("DELETE FROM gateway_users WHERE name = \(name) RETURNING name")
            var found = false
            for try await _ in rows.decode(String.self) { found = true }
            return found
        }
    }

    /// The current row, read through on every call (an add on another node applies at once).
    public func find(name: String) throws -> SharedUserRow? {
        try database.call("reading a user") { client in
            let rows = try await client.query("SELECT name, password_hash, addresses FROM gateway_users WHERE name = \(name)")
            for try await (name, hash, addresses) in rows.decode((String, String, [String]).self) {
                return SharedUserRow(name: name, passwordHash: hash, addresses: addresses)
            }
            return nil
        }
    }

    public func all() throws -> [SharedUserRow] {
        try database.call("listing users") { client in
            let rows = try await client.query("SELECT name, password_hash, addresses FROM gateway_users ORDER BY name")
            var out: [SharedUserRow] = []
            for try await (name, hash, addresses) in rows.decode((String, String, [String]).self) {
                out.append(SharedUserRow(name: name, passwordHash: hash, addresses: addresses))
            }
            return out
        }
    }
}
