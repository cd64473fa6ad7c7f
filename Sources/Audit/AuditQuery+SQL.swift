// AuditQuery as SQL over audit_records (alias `r`), reading event fields out of `canonical`, in
// SQLite's or PostgreSQL's dialect. Means exactly what AuditQuery.matches means; tests run all on one set.

import GRDB
import MailCore

/// A value bound to a `?` placeholder (each store converts it to its driver's type).
enum AuditSQLValue: Equatable, Sendable {
    case text(String)
    case integer(Int64)
}

/// What differs between the two stores' SQL: JSON inside `canonical`, arrays, case folding.
/// `path` is a key path from the canonical record's root, e.g. ["event", "method", "method"].
protocol AuditSQLDialect {
    /// The text at `path` in `alias`'s canonical JSON; NULL when absent or JSON null.
    func text(_ alias: String, _ path: [String]) -> String
    /// True when `path` is absent from `alias`'s canonical JSON (JSON null counts as present).
    func absent(_ alias: String, _ path: [String]) -> String
    /// A FROM item: the text elements of the array at `path`, each as `name.value`.
    func textElements(_ alias: String, _ path: [String], as name: String) -> String
    /// A FROM item: the object elements of the array at `path`, each as `name`.
    func elements(_ alias: String, _ path: [String], as name: String) -> String
    /// The text at `key` in the element `name` (from `elements`).
    func elementText(_ name: String, _ key: String) -> String
    /// The text element of the array at `path` with the same index as the element `name` has in its array.
    func sameIndex(_ alias: String, _ path: [String], as name: String) -> String
    /// Unicode lower case, as Swift's `lowercased()`.
    func lower(_ expression: String) -> String
    /// The last `length` characters of `expression`.
    func suffix(_ expression: String, length: Int) -> String
}

/// SQLite's JSON1 functions; lower case through GRDB's Swift function (SQLite's own is ASCII only).
struct SQLiteDialect: AuditSQLDialect {
    func text(_ alias: String, _ path: [String]) -> String { "json_extract(\(alias).canonical, '$.\(path.joined(separator: "."))')" }
    func absent(_ alias: String, _ path: [String]) -> String { "json_type(\(alias).canonical, '$.\(path.joined(separator: "."))') IS NULL" }
    func textElements(_ alias: String, _ path: [String], as name: String) -> String {
        "json_each(\(alias).canonical, '$.\(path.joined(separator: "."))') \(name)"
    }
    func elements(_ alias: String, _ path: [String], as name: String) -> String { textElements(alias, path, as: name) }
    func elementText(_ name: String, _ key: String) -> String { "json_extract(\(name).value, '$.\(key)')" }
    func sameIndex(_ alias: String, _ path: [String], as name: String) -> String {
        "json_extract(\(alias).canonical, '$.\(path.joined(separator: "."))[' || \(name).key || ']')"
    }
    func lower(_ expression: String) -> String { "\(DatabaseFunction.lowercase.name)(\(expression))" }
    func suffix(_ expression: String, length: Int) -> String { "substr(\(expression), -\(length))" }
}

/// PostgreSQL's jsonb operators over the text column; lower case by ICU's root locale where the
/// server has it (`und-x-icu`), else by the database's LC_CTYPE (a C-locale database folds ASCII only).
struct PostgresDialect: AuditSQLDialect {
    var icu: Bool

    private func json(_ alias: String, _ path: [String]) -> String { "(\(alias).canonical::jsonb #> '{\(path.joined(separator: ","))}')" }
    func text(_ alias: String, _ path: [String]) -> String { "(\(alias).canonical::jsonb #>> '{\(path.joined(separator: ","))}')" }
    func absent(_ alias: String, _ path: [String]) -> String { "\(json(alias, path)) IS NULL" }
    func textElements(_ alias: String, _ path: [String], as name: String) -> String {
        "jsonb_array_elements_text(\(json(alias, path))) AS \(name)(value)"
    }
    func elements(_ alias: String, _ path: [String], as name: String) -> String {
        "jsonb_array_elements(\(json(alias, path))) WITH ORDINALITY AS \(name)(value, idx)"
    }
    func elementText(_ name: String, _ key: String) -> String { "(\(name).value ->> '\(key)')" }
    func sameIndex(_ alias: String, _ path: [String], as name: String) -> String {
        "(\(json(alias, path)) ->> (\(name).idx - 1)::int)"
    }
    func lower(_ expression: String) -> String { icu ? "lower((\(expression)) COLLATE \"und-x-icu\")" : "lower(\(expression))" }
    func suffix(_ expression: String, length: Int) -> String { "right(\(expression), \(length))" }
}

struct AuditQuerySQL {
    private(set) var clauses: [String] = []
    /// One value per `?` in `whereClause`, in order.
    private(set) var values: [AuditSQLValue] = []
    static let deliveryEvents = "('delivery_attempt', 'delivered', 'deferred', 'bounced')"

    init(_ q: AuditQuery, _ d: AuditSQLDialect = SQLiteDialect()) {
        if let v = q.queueID { add("r.queue_id = ?", .text(v.value)) }
        if let v = q.event { add("r.event = ?", .text(v)) }
        if let v = q.events { add("r.event IN (\(v.map { _ in "?" }.joined(separator: ", ")))", v.map { .text($0) }) }
        if let v = q.since { add("r.time >= ?", .text(AuditTime.iso8601(v))) }
        if let v = q.until { add("r.time < ?", .text(AuditTime.iso8601(v))) }
        if let v = q.afterSequence { add("r.sequence > ?", .integer(v)) }
        if let v = q.node { add("r.node = ?", .text(v)) }
        if let v = q.outcome { add("r.outcome = ?", .text(v.rawValue)) }
        if let v = q.recipient { recipientClause(d, { "\(d.lower($0)) = ?" }, .text(v.auditKey)) }
        if let v = q.domain {
            let suffix = "@" + v.lowercased()
            recipientClause(d, { "\(d.suffix(d.lower($0), length: suffix.unicodeScalars.count)) = ?" }, .text(suffix))
        }
        if let v = q.method { add("\(d.text("r", ["event", "method", "method"])) = ?", .text(v)) }
        if let v = q.tlsBelow {
            add("""
                ((r.event = 'accepted' AND \(Self.rank(d.text("r", ["event", "client", "tls", "version"]))) < ?)
                 OR (r.event IN \(Self.deliveryEvents) AND \(d.text("r", ["event", "relay_ip"])) IS NOT NULL
                     AND \(Self.rank(d.text("r", ["event", "tls", "version"]))) < ?))
                """, [.integer(Int64(v.rank)), .integer(Int64(v.rank))])
        }
        if q.unencrypted {
            clauses.append("""
                (r.event = 'delivered' AND \(d.absent("r", ["event", "tls"]))
                 AND \(d.absent("r", ["event", "method", "encryption"]))
                 AND coalesce(\(d.text("r", ["event", "method", "method"])), '') <> 'portal')
                """)
        }
        if let v = q.sender {
            let sender = d.text("a", ["event", "sender"])
            switch v {
            case .null: acceptedClause("\(sender) IS NULL", [])
            case .address(let s): acceptedClause("\(d.lower(sender)) = ?", [.text(s.auditKey)])
            }
        }
        if let v = q.messageID {
            acceptedClause("\(d.text("a", ["event", "message_id"])) = ?", [.text(AuditQuery.normalisedMessageID(v))])
        }
        if let v = q.rule {
            let rule = d.elementText("p", "rule")
            add("""
                (CASE WHEN r.event = 'accepted'
                 THEN EXISTS (SELECT 1 FROM \(d.elements("r", ["event", "policy"], as: "p")) WHERE \(rule) = ?)
                 ELSE EXISTS (SELECT 1 FROM audit_records a, \(d.elements("a", ["event", "policy"], as: "p"))
                              WHERE a.event = 'accepted' AND a.queue_id = r.queue_id AND \(rule) = ?
                                AND \(d.lower(d.sameIndex("a", ["event", "recipients"], as: "p"))) = \(d.lower("r.recipient")))
                 END)
                """, [.text(v), .text(v)])
        }
    }

    /// ` WHERE …` or "".
    var whereClause: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    /// The values for GRDB.
    var arguments: StatementArguments {
        StatementArguments(values.map { value -> DatabaseValueConvertible in
            switch value {
            case .text(let t): return t
            case .integer(let i): return i
            }
        })
    }

    private mutating func add(_ clause: String, _ value: AuditSQLValue) { add(clause, [value]) }

    private mutating func add(_ clause: String, _ values: [AuditSQLValue]) {
        clauses.append(clause)
        self.values.append(contentsOf: values)
    }

    /// `test` (given the address expression) on the record's recipient column, or, on an accepted
    /// record, on any of the recipients it lists.
    private mutating func recipientClause(_ d: AuditSQLDialect, _ test: (String) -> String, _ value: AuditSQLValue) {
        add("""
            (\(test("r.recipient")) OR (r.event = 'accepted'
             AND EXISTS (SELECT 1 FROM \(d.textElements("r", ["event", "recipients"], as: "l")) WHERE \(test("l.value")))))
            """, [value, value])
    }

    /// The record belongs to a message whose accepted record (alias `a`) passes `test`.
    private mutating func acceptedClause(_ test: String, _ values: [AuditSQLValue]) {
        add("r.queue_id IN (SELECT a.queue_id FROM audit_records a WHERE a.event = 'accepted' AND \(test))", values)
    }

    /// TLSVersionFloor.rank(of:) in SQL: 1...4 for the known names, 0 otherwise (NULL, plaintext, included).
    private static func rank(_ expression: String) -> String {
        let cases = TLSVersionFloor.names.enumerated().map { "WHEN '\($0.element)' THEN \($0.offset + 1)" }.joined(separator: " ")
        return "(CASE \(expression) \(cases) ELSE 0 END)"
    }
}
