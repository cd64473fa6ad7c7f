// AuditQuery as SQLite SQL over audit_records (alias `r`), reading event fields out of `canonical`
// with json_extract. Means exactly what AuditQuery.matches means; the tests run both on one set.

import GRDB
import MailCore

struct AuditQuerySQL {
    private(set) var clauses: [String] = []
    private(set) var arguments: [DatabaseValueConvertible?] = []
    /// The Unicode-aware lower-casing Swift uses (SQLite's own `lower` is ASCII only).
    static let lower = DatabaseFunction.lowercase.name
    static let deliveryEvents = "('delivery_attempt', 'delivered', 'deferred', 'bounced')"

    init(_ q: AuditQuery) {
        let L = Self.lower
        if let v = q.queueID { add("r.queue_id = ?", v.value) }
        if let v = q.event { add("r.event = ?", v) }
        if let v = q.events { add("r.event IN (\(v.map { _ in "?" }.joined(separator: ", ")))", v) }
        if let v = q.since { add("r.time >= ?", AuditTime.iso8601(v)) }
        if let v = q.until { add("r.time < ?", AuditTime.iso8601(v)) }
        if let v = q.afterSequence { add("r.sequence > ?", v) }
        if let v = q.node { add("r.node = ?", v) }
        if let v = q.outcome { add("r.outcome = ?", v.rawValue) }
        if let v = q.recipient { recipientClause("\(L)(%@) = ?", [v.auditKey]) }
        if let v = q.domain {
            let suffix = "@" + v.lowercased()
            recipientClause("substr(\(L)(%@), -\(suffix.unicodeScalars.count)) = ?", [suffix])
        }
        if let v = q.method { add("json_extract(r.canonical, '$.event.method.method') = ?", v) }
        if let v = q.tlsBelow {
            add("""
                ((r.event = 'accepted' AND \(Self.rank("json_extract(r.canonical, '$.event.client.tls.version')")) < ?)
                 OR (r.event IN \(Self.deliveryEvents) AND json_extract(r.canonical, '$.event.relay_ip') IS NOT NULL
                     AND \(Self.rank("json_extract(r.canonical, '$.event.tls.version')")) < ?))
                """, [v.rank, v.rank])
        }
        if q.unencrypted {
            clauses.append("""
                (r.event = 'delivered' AND json_type(r.canonical, '$.event.tls') IS NULL
                 AND json_type(r.canonical, '$.event.method.encryption') IS NULL
                 AND coalesce(json_extract(r.canonical, '$.event.method.method'), '') <> 'portal')
                """)
        }
        if let v = q.sender {
            switch v {
            case .null: acceptedClause("json_extract(a.canonical, '$.event.sender') IS NULL", [])
            case .address(let s): acceptedClause("\(L)(json_extract(a.canonical, '$.event.sender')) = ?", [s.auditKey])
            }
        }
        if let v = q.messageID {
            acceptedClause("json_extract(a.canonical, '$.event.message_id') = ?", [AuditQuery.normalisedMessageID(v)])
        }
        if let v = q.rule {
            add("""
                (CASE WHEN r.event = 'accepted'
                 THEN EXISTS (SELECT 1 FROM json_each(r.canonical, '$.event.policy') p WHERE json_extract(p.value, '$.rule') = ?)
                 ELSE EXISTS (SELECT 1 FROM audit_records a, json_each(a.canonical, '$.event.policy') p
                              WHERE a.event = 'accepted' AND a.queue_id = r.queue_id AND json_extract(p.value, '$.rule') = ?
                                AND \(L)(json_extract(a.canonical, '$.event.recipients[' || p.key || ']')) = \(L)(r.recipient))
                 END)
                """, [v, v])
        }
    }

    /// ` WHERE …` or "".
    var whereClause: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    private mutating func add(_ clause: String, _ value: DatabaseValueConvertible) { add(clause, [value]) }

    private mutating func add(_ clause: String, _ values: [DatabaseValueConvertible]) {
        clauses.append(clause)
        arguments.append(contentsOf: values)
    }

    /// `test` (with `%@` for the address expression) on the record's recipient column, or, on an
    /// accepted record, on any of the recipients it lists.
    private mutating func recipientClause(_ test: String, _ values: [DatabaseValueConvertible]) {
        let own = test.replacingOccurrences(of: "%@", with: "r.recipient")
        let listed = test.replacingOccurrences(of: "%@", with: "l.value")
        add("""
            (\(own) OR (r.event = 'accepted'
             AND EXISTS (SELECT 1 FROM json_each(r.canonical, '$.event.recipients') l WHERE \(listed))))
            """, values + values)
    }

    /// The record belongs to a message whose accepted record (alias `a`) passes `test`.
    private mutating func acceptedClause(_ test: String, _ values: [DatabaseValueConvertible]) {
        add("r.queue_id IN (SELECT a.queue_id FROM audit_records a WHERE a.event = 'accepted' AND \(test))", values)
    }

    /// TLSVersionFloor.rank(of:) in SQL: 1...4 for the known names, 0 otherwise (NULL, plaintext, included).
    private static func rank(_ expression: String) -> String {
        let cases = TLSVersionFloor.names.enumerated().map { "WHEN '\($0.element)' THEN \($0.offset + 1)" }.joined(separator: " ")
        return "(CASE \(expression) \(cases) ELSE 0 END)"
    }
}
