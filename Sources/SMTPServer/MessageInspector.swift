// MessageInspector: what runs once per message at the end of DATA, before the 250: the PHI scan
// and the policy, giving one Decision per recipient. The Gateway supplies it; tests their own.

import MailCore

public struct Inspection: Sendable {
    /// One per recipient, in RCPT order.
    public var decisions: [Decision]
    /// Masked findings, kept with the message for the queue and audit records.
    public var findings: [Finding]
    /// The message to queue when policy changed it (headers added, subject tags stripped); nil: unchanged.
    public var rewritten: [UInt8]?

    public init(decisions: [Decision], findings: [Finding], rewritten: [UInt8]? = nil) {
        self.decisions = decisions; self.findings = findings; self.rewritten = rewritten
    }

    /// The reply for DATA when policy rejects every recipient (the sender learns at once).
    public var rejectionOfAll: SMTPReply? {
        var first: SMTPReply?
        for d in decisions {
            guard case .reject(let reply) = d.action else { return nil }
            if first == nil { first = reply }
        }
        return first
    }
}

public protocol MessageInspector: Sendable {
    func inspect(message: [UInt8], sender: MailAddress?, recipients: [RecipientSpec], client: ClientInfo) async -> Inspection
}
