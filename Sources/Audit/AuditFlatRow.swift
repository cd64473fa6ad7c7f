// AuditFlatRow: one audit record as named text columns, for `audit query --csv` (every column) and
// the default table (a few). Empty text where a column does not apply; never message content.

import Foundation
import MailCore

public struct AuditFlatRow: Sendable, Equatable {
    /// The CSV header, in column order. Stable: scripts read these names.
    public static let columns = [
        "sequence", "time", "node", "event", "queue_id", "message_id", "sender", "recipient", "outcome", "method",
        "otherwise", "skipped", "encryption_method", "encryption_key", "encryption_cipher", "tls_version", "tls_cipher",
        "tls_verify", "tls_trust", "relay_host", "relay_ip", "relay_port", "status", "reply", "reason", "attempt",
        "rules", "actor", "action", "detail", "hash",
    ]

    /// One value per `columns` entry.
    public let values: [String]

    public subscript(column: String) -> String {
        guard let i = Self.columns.firstIndex(of: column) else { return "" }
        return values[i]
    }

    public init(_ record: AuditRecord) {
        var v: [String: String] = [
            "sequence": String(record.sequence), "time": AuditTime.iso8601(record.time), "node": record.node,
            "event": record.event.name, "queue_id": record.event.queueID?.value ?? "",
            "recipient": record.event.recipient?.description ?? "", "outcome": record.event.outcome?.rawValue ?? "",
            "hash": record.hash,
        ]
        switch record.event {
        case .deliveryAttempt(let a), .delivered(let a), .deferred(let a), .bounced(let a):
            Self.attempt(a, into: &v)
        case .accepted(let a):
            v["message_id"] = a.messageID ?? ""
            v["sender"] = a.sender.map(\.description) ?? "<>"
            v["recipient"] = a.recipients.map(\.description).joined(separator: " ")
            v["rules"] = (a.policy ?? []).map(\.rule).joined(separator: " ")
            Self.tls(a.client.tls, into: &v)
        case .adminAction(let a):
            v["actor"] = a.actor; v["action"] = a.action
            v["detail"] = ([a.detail].compactMap { $0 } + (a.files ?? []).map { "\($0.path) sha256:\($0.sha256)" })
                .joined(separator: "; ")
        case .portal(let p):
            v["actor"] = p.actor ?? ""; v["action"] = p.kind.rawValue; v["detail"] = p.detail ?? ""
        case .chainHeads(let c):
            v["detail"] = c.heads.map { "\($0.node) \($0.sequence) \($0.hash)" }.joined(separator: "; ")
        case .checkpoint(let c):
            v["detail"] = "sequence \(c.firstSequence)-\(c.lastSequence) count \(c.count) last_hash \(c.lastHash) signed by \(c.signerFingerprint)"
        }
        values = Self.columns.map { v[$0] ?? "" }
    }

    private static func attempt(_ a: AttemptEvent, into v: inout [String: String]) {
        v["relay_host"] = a.relayHost ?? ""; v["relay_ip"] = a.relayIP ?? ""; v["relay_port"] = a.relayPort.map(String.init) ?? ""
        v["status"] = a.status?.description ?? ""; v["reply"] = a.reply ?? ""; v["reason"] = a.reason ?? ""
        v["attempt"] = String(a.attempt)
        if let m = a.method {
            v["method"] = m.method; v["otherwise"] = m.otherwise ?? ""
            v["skipped"] = m.skipped.map { "\($0.method):\($0.code)" }.joined(separator: " ")
            v["encryption_method"] = m.encryption?.method.rawValue ?? ""
            v["encryption_key"] = m.encryption?.keyID ?? ""; v["encryption_cipher"] = m.encryption?.cipher ?? ""
        }
        tls(a.tls, into: &v)
    }

    private static func tls(_ t: TLSFacts?, into v: inout [String: String]) {
        guard let t else { return }
        v["tls_version"] = t.version; v["tls_cipher"] = t.cipher; v["tls_verify"] = t.verification.word
        if case .verified(let trust) = t.verification { v["tls_trust"] = trust.rawValue }
    }
}
