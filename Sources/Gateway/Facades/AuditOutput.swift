// AuditOutput: the three forms of `sealgate audit query` output: an aligned table (default), JSON
// lines (one object per record, AuditRendering.jsonObject) and CSV (RFC 4180, AuditFlatRow's columns).

import Audit
import Foundation

public enum AuditOutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

enum AuditOutput {
    /// The whole output, ending in a newline (CSV: CRLF after every record) unless there is nothing to show.
    static func render(_ records: [AuditRecord], as format: AuditOutputFormat) -> String {
        switch format {
        case .json: return records.map { jsonLine(AuditRendering.jsonObject($0)) + "\n" }.joined()
        case .csv: return csv(records)
        case .table: return table(records)
        }
    }

    /// One object on one line, keys sorted, `/` not escaped.
    static func jsonLine(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static let tableColumns: [(title: String, column: String)] = [
        ("SEQ", "sequence"), ("TIME", "time"), ("EVENT", "event"), ("QUEUE ID", "queue_id"), ("RECIPIENT", "recipient"),
        ("OUTCOME", "outcome"), ("METHOD", "method"), ("TLS", "tls"), ("RELAY", "relay"), ("NODE", "node"),
    ]

    static func table(_ records: [AuditRecord]) -> String {
        guard !records.isEmpty else { return "" }
        let rows = records.map { record -> [String] in
            let flat = AuditFlatRow(record)
            return tableColumns.map { _, column in
                switch column {
                case "tls": return [flat["tls_version"], flat["tls_verify"], flat["tls_trust"]].filter { !$0.isEmpty }
                    .joined(separator: " ").nonEmpty ?? (flat["relay_ip"].isEmpty ? "" : "none")
                case "relay": return flat["relay_host"] + (flat["relay_ip"].isEmpty ? "" : " [\(flat["relay_ip"])]")
                case "method": return flat["method"] + (flat["encryption_key"].isEmpty ? "" : " \(flat["encryption_key"])")
                default: return flat[column]
                }
            }
        }
        return TextTable.render(header: tableColumns.map(\.title), rows: rows)
    }

    /// RFC 4180: a header line, CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes doubled.
    static func csv(_ records: [AuditRecord]) -> String {
        let lines = [AuditFlatRow.columns] + records.map { AuditFlatRow($0).values }
        return lines.map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Columns padded to their widest cell, two spaces apart; the last column is not padded.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }.joined()
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }

    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
