// PolicyNotice: the `notify_sender` message: tells the sender which recipients policy held,
// quarantined or rejected, and by which rule. It quotes no content: no Subject, no body, no PHI.

import Foundation
import MailCore
import MIME

enum PolicyNotice {
    /// The notice's envelope and bytes, or nil when no recipient asked for one (or the sender is `<>`).
    static func build(for envelope: Envelope, hostname: String, node: UInt16, now: Date = Date()) -> (Envelope, [UInt8])? {
        guard let sender = envelope.sender, let decisions = envelope.decisions else { return nil }
        var lines: [String] = []
        for (i, d) in decisions.enumerated() where d.notifySender && i < envelope.recipients.count {
            let what: String
            switch d.action {
            case .hold: what = "is held for review"
            case .quarantine: what = "is quarantined"
            case .reject(let reply): what = "was not delivered (\(reply.status?.description ?? "5.7.1"))"
            case .deliver: continue
            }
            lines.append("  <\(envelope.recipients[i].address)> \(what) under policy rule \(d.trace.rule)")
        }
        guard !lines.isEmpty else { return nil }
        let id = QueueID.generate(node: node)
        let text = [
            "From: Mail Delivery System <MAILER-DAEMON@\(hostname)>",
            "To: <\(sender)>",
            "Subject: Your message \(envelope.queueID) needs attention",
            "Date: \(RFC5322Date.format(now))",
            "Message-ID: <\(id).notice@\(hostname)>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "This is the mail gateway at \(hostname). Your message \(envelope.queueID) was accepted,",
            "but the organisation's policy applies to some of its recipients:",
            "",
        ] + lines + ["", "The message content is not repeated here.", ""]
        let bytes = Array(text.joined(separator: "\r\n").utf8)
        let client = ClientInfo(address: "127.0.0.1", port: 0, hostname: hostname, helo: hostname, protocolName: "LOCAL",
                                authenticatedUser: nil, tls: nil, listener: "policy-notice")
        let notice = Envelope(queueID: id, sender: nil, recipients: [RecipientSpec(address: sender, notify: [.never])],
                              size: bytes.count, arrival: now, client: client)
        return (notice, bytes)
    }
}
