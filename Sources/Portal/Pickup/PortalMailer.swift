// PortalMailer: how the portal sends mail (notices, codes, read receipts, sender copies, replies):
// Gateway implements it over the spool, so each one leaves through the normal delivery path.

import MailCore

public protocol PortalMailer: Sendable {
    /// Queues one message durably and returns its queue id. Notices, codes, receipts and sender copies
    /// are queued without policy decisions (TLS at the destination's level; never the portal rung again);
    /// a reply goes through the PHI scanner and the policy for the original sender, like relayed mail.
    func submit(_ mail: PortalOutgoingMail) async throws -> QueueID
}

/// What the portal sends, and why.
public enum PortalMailKind: String, Sendable, CaseIterable, Codable {
    case notice = "portal-notice"
    case senderCopy = "portal-sender-copy"
    case code = "portal-code"
    case readReceipt = "portal-read-receipt"
    case reply = "portal-reply"
}

public struct PortalOutgoingMail: Sendable {
    public var kind: PortalMailKind
    /// The envelope sender (nil: the null reverse-path).
    public var envelopeSender: MailAddress?
    public var recipient: MailAddress
    /// The RFC 5322 message, CRLF line endings.
    public var message: [UInt8]
    /// The queued message this mail is about (the one the portal message came from).
    public var regarding: QueueID?
    public var portalMessageID: PortalMessageID?

    public init(kind: PortalMailKind, envelopeSender: MailAddress?, recipient: MailAddress, message: [UInt8],
                regarding: QueueID?, portalMessageID: PortalMessageID?) {
        self.kind = kind; self.envelopeSender = envelopeSender; self.recipient = recipient; self.message = message
        self.regarding = regarding; self.portalMessageID = portalMessageID
    }
}
