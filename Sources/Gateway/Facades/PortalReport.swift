// PortalReport: renders the portal's metadata rows for `sealgate portal list|show|purge-expired`: an
// aligned table or key: value lines for people, JSON (snake_case keys, nulls kept) for scripts.

import Foundation

public enum PortalReport {
    static let columns = ["ID", "STATE", "SENDER", "RECIPIENT", "CREATED", "EXPIRES", "VIEWS", "FIRST VIEWED"]

    /// The table (one row per message), then the lockouts in force when there are any.
    public static func table(_ rows: [PortalMessageRow], lockouts: [PortalLockoutRow] = []) -> String {
        guard !rows.isEmpty else { return "no portal messages" + lockoutLines(lockouts) }
        let cells = [columns] + rows.map { row in
            [row.id, row.state.rawValue, row.sender.map { "<\($0)>" } ?? "-", row.recipient ?? "-", date(row.createdAt),
             date(row.expiresAt), row.views.map(String.init) ?? "-", date(row.firstViewedAt)]
        }
        let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        let lines = cells.map { line in
            zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return lines.joined(separator: "\n") + lockoutLines(lockouts)
    }

    /// Every field of one message, then the lockouts touching it.
    public static func detail(_ row: PortalMessageRow, lockouts: [PortalLockoutRow]) -> String {
        var lines = ["id: \(row.id)", "state: \(row.state.rawValue)"]
        if let goneAt = row.goneAt { lines.append("\(row.state.rawValue) at: \(date(goneAt))") }
        lines += [
            "queue id: \(row.queueID ?? "-")", "sender: \(row.sender.map { "<\($0)>" } ?? "-")", "recipient: \(row.recipient ?? "-")",
            "created: \(date(row.createdAt))", "expires: \(date(row.expiresAt))", "size: \(row.size.map(String.init) ?? "-")",
            "views: \(row.views.map(String.init) ?? "-")", "first viewed: \(date(row.firstViewedAt))",
            "read receipt: \(row.readReceipt.map { $0 ? "yes" : "no" } ?? "-")",
        ]
        return lines.joined(separator: "\n") + (lockouts.isEmpty ? "\nlockouts: none" : lockoutLines(lockouts))
    }

    /// A JSON array of rows.
    public static func json(_ rows: [PortalMessageRow]) -> String { QueueReport.json(rows.map(object)) }

    /// One row as a JSON object, with its lockouts under "lockouts".
    public static func json(_ row: PortalMessageRow, lockouts: [PortalLockoutRow]) -> String {
        var shown = object(row)
        shown["lockouts"] = lockouts.map(object)
        return QueueReport.json(shown)
    }

    static func object(_ row: PortalMessageRow) -> [String: Any] {
        [
            "id": row.id, "state": row.state.rawValue, "queue_id": row.queueID ?? NSNull(), "sender": row.sender ?? NSNull(),
            "recipient": row.recipient ?? NSNull(), "created_at": QueueReport.isoDate(row.createdAt),
            "expires_at": QueueReport.isoDate(row.expiresAt), "gone_at": QueueReport.isoDate(row.goneAt),
            "size": row.size ?? NSNull(), "views": row.views ?? NSNull(),
            "first_viewed_at": QueueReport.isoDate(row.firstViewedAt), "read_receipt": row.readReceipt ?? NSNull(),
        ]
    }

    static func object(_ lockout: PortalLockoutRow) -> [String: Any] {
        ["scope": lockout.scope, "value": lockout.value, "until": QueueReport.isoDate(lockout.until)]
    }

    private static func lockoutLines(_ lockouts: [PortalLockoutRow]) -> String {
        lockouts.isEmpty ? "" : "\nlockouts:" + lockouts.map { "\n  \($0.scope) \($0.value) until \(date($0.until))" }.joined()
    }

    private static func date(_ d: Date?) -> String { d.map { ISO8601DateFormatter().string(from: $0) } ?? "-" }
}
