// AuditRendering: audit records for people. One line per record in the style of a Received
// header (attempts: "from <us> by <relay> [ip]:port (using ...) for <rcpt> id Q; date status=...").

import Foundation
import MailCore

public enum AuditRendering {
    /// A time as the records store it: `2026-11-23T10:00:00.000Z`.
    public static func iso8601(_ date: Date) -> String { AuditTime.iso8601(date) }

    /// One line, never wrapped; values that could hold spaces or quotes are quoted.
    public static func receivedStyleLine(_ record: AuditRecord, localHostname: String) -> String {
        let date = AuditTime.rfc5322(record.time)
        switch record.event {
        case .deliveryAttempt(let a), .delivered(let a), .deferred(let a), .bounced(let a):
            return attemptLine(a, status: record.event.outcome?.rawValue ?? "attempted", localHostname: localHostname, date: date)
        case .accepted(let e):
            return acceptedLine(e, localHostname: localHostname, date: date)
        case .adminAction(let e):
            var line = "admin \(e.action) by \(quoted(e.actor)) on \(localHostname) (Sealgate)"
            if let q = e.queueID { line += " id \(q)" }
            line += "; \(date)"
            if let d = e.detail { line += " detail=\(quoted(d))" }
            return line
        case .portal(let e):
            return portalLine(e, localHostname: localHostname, date: date)
        case .chainHeads(let e):
            let heads = e.heads.map { "\(quoted($0.node))=\($0.sequence):\($0.hash.prefix(16))" }
            return "chain_heads by \(quoted(record.node)) (Sealgate) quoting \(heads.isEmpty ? "no other node" : heads.joined(separator: " ")); \(date)"
        case .checkpoint(let c):
            return "checkpoint by \(quoted(record.node)) (Sealgate) for sequence \(c.firstSequence)-\(c.lastSequence)"
                + " (\(c.count) record(s) pruned, last hash \(c.lastHash.prefix(16))) signed by \(c.signerFingerprint); \(date)"
        }
    }

    /// `portal view message P for <rcpt> from [ip] by "actor" on gw (Sealgate) id Q; DATE detail="..."`.
    private static func portalLine(_ e: PortalEvent, localHostname: String, date: String) -> String {
        var line = "portal \(e.kind.rawValue)"
        if let m = e.portalMessageID { line += " message \(m)" }
        if let r = e.recipient { line += " for <\(r)>" }
        if let c = e.client { line += " from [\(c)]" }
        if let a = e.actor { line += " by \(quoted(a))" }
        line += " on \(localHostname) (Sealgate)"
        if let q = e.queueID { line += " id \(q)" }
        line += "; \(date)"
        if let d = e.detail { line += " detail=\(quoted(d))" }
        return line
    }

    /// `(using TLSv1.3 with cipher X (256/256 bits) verify=OK trust=pkix)`, or `(no TLS)` for nil.
    public static func tlsClause(_ tls: TLSFacts?) -> String {
        guard let tls else { return "(no TLS)" }
        var clause = "(\(tls.usingClause) verify=\(tls.verification.word)"
        switch tls.verification {
        case .verified(let trust): clause += " trust=\(trust.rawValue)"
        case .failed(let reason): clause += " verify_error=\(quoted(reason))"
        case .none: break
        }
        return clause + ")"
    }

    private static func attemptLine(_ a: AttemptEvent, status: String, localHostname: String, date: String) -> String {
        var relay = a.relayHost ?? (a.relayIP == nil ? "unknown" : "")
        if let ip = a.relayIP { relay += relay.isEmpty ? "[\(ip)]" : " [\(ip)]" }
        if let port = a.relayPort { relay += ":\(port)" }
        var line = "from \(localHostname) (Sealgate) by \(relay) \(tlsClause(a.tls)) for <\(a.recipient)> id \(a.queueID); \(date)"
        line += " status=\(status)"
        if let reply = a.reply { line += " reply=\(quoted(reply))" } else if let s = a.status { line += " dsn=\(s)" }
        if let reason = a.reason { line += " reason=\(quoted(reason))" }
        if let method = a.method { line += " " + method.clause }
        if let delay = a.delay { line += " delay=" + String(format: "%.2f", delay) }
        if a.attempt > 1 { line += " attempt=\(a.attempt)" }
        return line
    }

    private static func acceptedLine(_ e: AcceptedEvent, localHostname: String, date: String) -> String {
        let c = e.client
        var line = "from \(c.helo) (\(c.hostname ?? "unknown") [\(c.address)]:\(c.port)) \(tlsClause(c.tls))"
        if let user = c.authenticatedUser { line += " auth=\(quoted(user))" }
        line += " by \(localHostname) (Sealgate) with \(c.protocolName)"
        line += " for " + e.recipients.map { "<\($0)>" }.joined(separator: ",")
        line += " id \(e.queueID); \(date) status=accepted from=<\(e.sender.map(\.description) ?? "")> size=\(e.size)"
        line += " listener=\(quoted(c.listener))"
        return line
    }

    /// A double-quoted value with `\` and `"` escaped and control characters turned into spaces.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
