// AuditSummaryOutput: `sealgate audit summary` as a table (one row per group and a total row, then
// the method-by-outcome counts) or as one JSON object with the same numbers.

import Audit
import Foundation

enum AuditSummaryOutput {
    static let outcomeColumns = AuditFilters.outcomes

    static func table(_ s: AuditSummary, by grouping: AuditSummary.Grouping?) -> String {
        let header = [(grouping?.rawValue ?? "period").uppercased()] + outcomeColumns.map { $0.uppercased() } + ["SECURE", "TLS VERSIONS"]
        let rows = (s.groups + [s.total]).map { t in
            [t.key] + outcomeColumns.map { String(t.outcomes[$0] ?? 0) } + [share(t), versions(t)]
        }
        var out = TextTable.render(header: header, rows: rows)
        out += "\n"
        let methods = s.total.methods.keys.sorted()
        out += TextTable.render(header: ["METHOD"] + outcomeColumns.map { $0.uppercased() },
                                rows: methods.map { m in [m] + outcomeColumns.map { String(s.total.methods[m]?[$0] ?? 0) } })
        return out
    }

    static func json(_ s: AuditSummary, by grouping: AuditSummary.Grouping?, since: Date?, until: Date?) -> String {
        let o: [String: Any] = [
            "since": since.map(AuditRendering.iso8601) ?? NSNull(), "until": until.map(AuditRendering.iso8601) ?? NSNull(),
            "by": grouping?.rawValue ?? NSNull(), "groups": s.groups.map(object), "total": object(s.total),
        ]
        return AuditOutput.jsonLine(o) + "\n"
    }

    private static func object(_ t: AuditSummary.Tally) -> [String: Any] {
        ["key": t.key, "outcomes": t.outcomes, "methods": t.methods, "delivered": t.delivered, "secure": t.secure,
         "secure_share": t.secureShare ?? NSNull(), "tls_versions": t.tlsVersions]
    }

    /// `97.5% (39/40)`, or `-` with nothing delivered.
    private static func share(_ t: AuditSummary.Tally) -> String {
        guard let share = t.secureShare else { return "-" }
        return String(format: "%.1f%%", share * 100) + " (\(t.secure)/\(t.delivered))"
    }

    private static func versions(_ t: AuditSummary.Tally) -> String {
        t.tlsVersions.keys.sorted().map { "\($0)=\(t.tlsVersions[$0] ?? 0)" }.joined(separator: " ")
    }
}
