// QueueReport: renders queue entries for `sealgate queue list|show`, as text for people and as
// JSON (an array for list, an object for show). Headers only unless the body is asked for.

import Audit
import Foundation
import MailCore
import Queue

public enum QueueReport {
    static func isoDate(_ d: Date?) -> Any {
        guard let d else { return NSNull() }
        return ISO8601DateFormatter().string(from: d)
    }

    public static func entryObject(envelope: Envelope, states: [RecipientState]) -> [String: Any] {
        var recipients: [[String: Any]] = []
        for (spec, state) in zip(envelope.recipients, states) {
            recipients.append([
                "address": spec.address.description,
                "status": state.status.rawValue,
                "attempts": state.attempts,
                "last_reply": state.lastReply ?? NSNull(),
                "method": state.lastMethod ?? NSNull(),
                "next_attempt": isoDate(state.nextAttempt),
            ])
        }
        return [
            "queue_id": envelope.queueID.description,
            "sender": envelope.sender?.description ?? "",
            "recipients": recipients,
            "size": envelope.size,
            "arrival": isoDate(envelope.arrival),
            "client": "\(envelope.client.hostname ?? "unknown")[\(envelope.client.address)]",
            "protocol": envelope.client.protocolName,
            "tls": envelope.client.tls.map { "\($0.version) \($0.cipher)" } ?? NSNull(),
            // Policy's decision per recipient and the scan's masked findings (never values).
            "policy": envelope.decisions.map { $0.map { AuditRendering.policyObject(PolicyVerdictSummary($0)) } } ?? NSNull(),
            "findings": envelope.findings.map { $0.map(AuditRendering.findingObject) } ?? NSNull(),
        ]
    }

    public static func listLine(envelope: Envelope, states: [RecipientState]) -> String {
        let counts = Dictionary(grouping: states, by: \.status).map { "\($0.key.rawValue)=\($0.value.count)" }.sorted()
        let date = ISO8601DateFormatter().string(from: envelope.arrival)
        return "\(envelope.queueID)  \(String(format: "%8d", envelope.size))  \(date)  <\(envelope.sender?.description ?? "")>  \(counts.joined(separator: " "))"
    }

    /// The message's header section (everything before the first empty line).
    public static func headerSection(_ message: [UInt8]) -> String {
        let bytes = message
        var end = bytes.count
        if bytes.count >= 2 {
            for i in 0..<(bytes.count - 1) where bytes[i] == 0x0A && (bytes[i + 1] == 0x0A || (bytes[i + 1] == 0x0D && i + 2 < bytes.count && bytes[i + 2] == 0x0A)) {
                end = i + 1
                break
            }
        }
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }

    public static func showText(envelope: Envelope, states: [RecipientState], message: [UInt8], includeBody: Bool) -> String {
        var out = listLine(envelope: envelope, states: states) + "\n"
        out += "client: \(envelope.client.hostname ?? "unknown")[\(envelope.client.address)] helo=\(envelope.client.helo) protocol=\(envelope.client.protocolName)\n"
        for (spec, state) in zip(envelope.recipients, states) {
            out += "  to=<\(spec.address)> status=\(state.status.rawValue) attempts=\(state.attempts)"
            if let r = state.lastReply { out += " last=\"\(r)\"" }
            out += "\n"
            if let m = state.lastMethod { out += "    \(m)\n" }
        }
        out += "\n" + (includeBody ? String(decoding: message, as: UTF8.self) : headerSection(message))
        return out
    }

    public static func json(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
