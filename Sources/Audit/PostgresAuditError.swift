// PostgresAuditError: what the PostgreSQL audit store reports, and the server's own words for a
// postgres-nio error (its default description hides them; the SQL text is never included).

import Foundation
import PostgresNIO

public enum PostgresAuditError: Error, Sendable, CustomStringConvertible {
    /// Another process holds this node's advisory lock: two processes must not share a node name or node_id.
    case nodeLocked(node: String, nodeID: UInt16, what: String)
    case timedOut(what: String, seconds: Int)
    /// The tables are missing: run `sealgate audit init-db` once (docs/operations.md).
    case schemaMissing(String)
    case server(String)

    public var description: String {
        switch self {
        case .nodeLocked(let node, let id, let what):
            return "audit store: another process holds the lock on \(what) (node \"\(node)\", node_id \(id)); "
                + "each node of a shared audit database needs its own hostname and node_id"
        case .timedOut(let what, let s): return "audit store: \(what) did not finish within \(s)s"
        case .schemaMissing(let text): return "audit store: \(text); run `sealgate audit init-db` once with the owner role"
        case .server(let text): return "audit store: \(text)"
        }
    }

    /// A readable line for any error from postgres-nio: the SQLSTATE and server message, or the
    /// underlying connection error.
    public static func describe(_ error: Error) -> String {
        if let e = error as? PostgresAuditError { return e.description }
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                let code = info[.sqlState] ?? "?"
                return "PostgreSQL \(code): \(info[.message] ?? "error")"
            }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }

    /// Whether a PostgreSQL error says a table does not exist (SQLSTATE 42P01).
    static func isUndefinedTable(_ error: Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "42P01"
    }
}
