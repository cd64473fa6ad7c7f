// LocalMail+PolicyNotice: the `notify_sender` message: tells the sender which recipients policy
// held, quarantined or rejected, and by which rule. It quotes no content: no Subject, no body, no PHI.

import Foundation
import MailCore

extension LocalMail {
    /// The notice for `envelope`'s policy decisions, or nil when no recipient asked for one (or the sender is `<>`).
    public func policyNotice(for envelope: Envelope, now: Date) -> LocalMessage? {
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
            lines.append("  <\(envelope.recipients[i].address)> \(what) under policy rule \(DSNBuilder.oneLine(d.trace.rule))")
        }
        guard !lines.isEmpty else { return nil }
        let body = [
            "This is the mail gateway at \(hostname). Your message \(envelope.queueID) was accepted,",
            "but the organisation's policy applies to some of its recipients:",
            "",
        ] + lines + ["", "The message content is not repeated here.", ""]
        return compose(kind: .policyNotice, to: sender, subject: "Your message \(envelope.queueID) needs attention",
                       autoSubmitted: "auto-generated", contentType: ["text/plain; charset=utf-8"], body: body, now: now)
    }
}
