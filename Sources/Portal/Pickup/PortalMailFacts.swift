// PortalMailFacts: the facts each portal mail is written from (no message content in any of them
// but the recipient's own reply), and the composer protocol the Rendering layer implements.

import Foundation
import MailCore

public protocol PortalMailComposing: Sendable {
    /// The notice to the recipient: the organisation, the sender, the expiry and the link; no PHI.
    func notice(_ facts: PortalNoticeFacts) throws -> [UInt8]
    /// The sender's copy of the notice, with the link that revokes the message instead of the pickup link.
    func senderCopy(_ facts: PortalNoticeFacts, revokeURL: String) throws -> [UInt8]
    /// A one-time code to `recipient`.
    func code(to recipient: MailAddress, code: String, expires: Date, purpose: PortalCodePurpose) throws -> [UInt8]
    /// The read receipt to the sender.
    func readReceipt(_ facts: PortalReceiptFacts) throws -> [UInt8]
    /// The recipient's secure reply to the original sender.
    func reply(_ facts: PortalReplyFacts) throws -> [UInt8]
}

public struct PortalNoticeFacts: Sendable {
    public var organisation: String
    public var sender: MailAddress?
    public var recipient: MailAddress
    /// The message's subject, only when policy's `portal.notice_subject` allows it.
    public var subject: String?
    public var expires: Date
    /// The pickup link (base URL, message id, link token). Never logged.
    public var link: String
    public var portalMessageID: PortalMessageID

    public init(organisation: String, sender: MailAddress?, recipient: MailAddress, subject: String?, expires: Date,
                link: String, portalMessageID: PortalMessageID) {
        self.organisation = organisation; self.sender = sender; self.recipient = recipient; self.subject = subject
        self.expires = expires; self.link = link; self.portalMessageID = portalMessageID
    }
}

public enum PortalCodePurpose: String, Sendable {
    /// Opening a message by its link.
    case pickup
    /// Resetting the recipient's password.
    case reset
}

public struct PortalReceiptFacts: Sendable {
    public var organisation: String
    public var sender: MailAddress
    public var recipient: MailAddress
    public var openedAt: Date
    public var portalMessageID: PortalMessageID

    public init(organisation: String, sender: MailAddress, recipient: MailAddress, openedAt: Date,
                portalMessageID: PortalMessageID) {
        self.organisation = organisation; self.sender = sender; self.recipient = recipient
        self.openedAt = openedAt; self.portalMessageID = portalMessageID
    }
}

public struct PortalReplyFacts: Sendable {
    /// The portal recipient, who writes the reply (its Reply-To, and named in its From).
    public var from: MailAddress
    /// The original message's sender, the only address a reply may go to.
    public var to: MailAddress
    /// The portal's own address (`portal.notice_from`): the envelope sender and the From address.
    public var envelopeSender: MailAddress
    public var subject: String
    /// The original Message-ID, for In-Reply-To and References.
    public var inReplyTo: String?
    public var body: String
    public var attachments: [PortalUpload]

    public init(from: MailAddress, to: MailAddress, envelopeSender: MailAddress, subject: String, inReplyTo: String?,
                body: String, attachments: [PortalUpload]) {
        self.from = from; self.to = to; self.envelopeSender = envelopeSender; self.subject = subject
        self.inReplyTo = inReplyTo; self.body = body; self.attachments = attachments
    }
}

/// A file the recipient attached to a reply.
public struct PortalUpload: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(filename: String, contentType: String, bytes: [UInt8]) {
        self.filename = filename; self.contentType = contentType; self.bytes = bytes
    }
}
