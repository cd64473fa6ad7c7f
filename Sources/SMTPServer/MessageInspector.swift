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

/// One message inspected and made ready for the queue: the envelope with its decisions and findings,
/// and the message as policy rewrote it (SMTP's end of DATA and the portal's secure reply share it).
public struct InspectedMessage: Sendable {
    public var envelope: Envelope
    public var message: [UInt8]

    public init(envelope: Envelope, message: [UInt8]) { self.envelope = envelope; self.message = message }
}

/// What `attachDecisions` found: the message to queue, or the reply when policy rejects every recipient.
public enum InspectionOutcome: Sendable {
    case accepted(InspectedMessage)
    case rejectedByPolicy(SMTPReply)
}

extension MessageInspector {
    /// Runs the scan and the policy once for the message.
    public func attachDecisions(to envelope: Envelope, message: [UInt8]) async -> InspectionOutcome {
        let inspection = await inspect(message: message, sender: envelope.sender, recipients: envelope.recipients,
                                       client: envelope.client)
        if let reply = inspection.rejectionOfAll { return .rejectedByPolicy(reply) }
        var envelope = envelope
        envelope.decisions = inspection.decisions
        envelope.findings = inspection.findings
        var message = message
        if let rewritten = inspection.rewritten {
            message = rewritten
            envelope.size = message.count
        }
        return .accepted(InspectedMessage(envelope: envelope, message: message))
    }
}
