// PostgresAuditStore answering AuditQuery (the shared SQL translation in PostgreSQL's dialect, with
// bound parameters) and exporting a period: one unbroken run per node's chain, with each node's head.

import Foundation
import PostgresNIO

extension PostgresAuditStore: AuditQuerying, AuditExporting {
    /// Every node's records matching `query`, in time order (then node, then sequence).
    public func records(matching query: AuditQuery) throws -> [AuditRecord] {
        try read("an audit query") { [self] client in
            let filter = AuditQuerySQL(query, try await dialect(client))
            var sql = "SELECT r.canonical, r.hash FROM audit_records r" + filter.whereClause + " ORDER BY r.time, r.node, r.sequence"
            if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
            let rows = try await client.query(Self.bound(sql, filter.values))
            var out: [AuditRecord] = []
            for try await (canonical, hash) in rows.decode((String, String).self) {
                out.append(try CanonicalRecord.decode(canonical).record(hash: hash))
            }
            return out
        }
    }

    /// Each node's chain (sorted by node) with its records from the first to the last written in
    /// [since, until), every record in between included, and the node's head.
    public func exportChains(since: Date?, until: Date?) throws -> [ExportedChain] {
        try read("an audit export") { client in
            var range = AuditQuery()
            range.since = since; range.until = until
            let filter = AuditQuerySQL(range, PostgresDialect(icu: false))
            let rows = try await client.query(Self.bound("""
                SELECT x.node, x.sequence, x.time, x.hash, x.previous_hash, x.canonical FROM audit_records x
                JOIN (SELECT r.node, min(r.sequence) AS lo, max(r.sequence) AS hi FROM audit_records r\(filter.whereClause)
                      GROUP BY r.node) b ON x.node = b.node AND x.sequence BETWEEN b.lo AND b.hi
                ORDER BY x.node, x.sequence
                """, filter.values))
            var byNode: [String: [ExportedRecord]] = [:]
            for try await (node, sequence, time, hash, previous, canonical)
                in rows.decode((String, Int64, String, String, String, String).self) {
                byNode[node, default: []].append(ExportedRecord(sequence: sequence, time: time, node: node, hash: hash,
                                                                previousHash: previous, canonical: canonical))
            }
            return try await Self.heads(client).sorted { $0.node < $1.node }.map { head in
                ExportedChain(node: head.node, records: byNode[head.node] ?? [], headSequence: head.sequence, headHash: head.hash)
            }
        }
    }

    /// `sql` with each `?` outside a quoted literal numbered `$1`, `$2`, … and `values` bound to them.
    static func bound(_ sql: String, _ values: [AuditSQLValue]) -> PostgresQuery {
        var text = "", quoted = false, n = 0
        for c in sql {
            if c == "'" { quoted.toggle() }
            if c == "?" && !quoted { n += 1; text += "$\(n)" } else { text.append(c) }
        }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let t): binds.append(t)
            case .integer(let i): binds.append(i)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }
}
