// DeliveryStatusReport: the facts an RFC 3464 delivery status notification carries, per message
// and per recipient. DSNBuilder renders them; nothing here holds message content.

import Foundation
import MailCore

/// RFC 3464 §2.3.3 Action values.
public enum DSNAction: String, Sendable, Equatable {
    case failed, delayed, delivered, relayed, expanded
}

public struct DSNRecipientReport: Sendable, Equatable {
    public var finalRecipient: MailAddress
    /// ORCPT as the client gave it: "rfc822;bob@example" (xtext already decoded or not; both are accepted).
    public var originalRecipient: String?
    public var action: DSNAction
    public var status: EnhancedStatus
    /// The host that gave the reply, e.g. "relay.example".
    public var remoteMTA: String?
    /// The remote reply as one line, e.g. "550 5.1.1 User unknown"; or a local reason.
    public var diagnostic: String?
    public var lastAttempt: Date?
    public var willRetryUntil: Date?

    public init(finalRecipient: MailAddress, originalRecipient: String? = nil, action: DSNAction, status: EnhancedStatus,
                remoteMTA: String? = nil, diagnostic: String? = nil, lastAttempt: Date? = nil, willRetryUntil: Date? = nil) {
        self.finalRecipient = finalRecipient; self.originalRecipient = originalRecipient; self.action = action
        self.status = status; self.remoteMTA = remoteMTA; self.diagnostic = diagnostic
        self.lastAttempt = lastAttempt; self.willRetryUntil = willRetryUntil
    }
}

public struct DeliveryStatusReport: Sendable, Equatable {
    /// Our host name, for Reporting-MTA and the notice's From.
    public var reportingMTA: String
    public var queueID: QueueID
    public var arrivalDate: Date
    public var envelopeID: String?
    public var recipients: [DSNRecipientReport]

    public init(reportingMTA: String, queueID: QueueID, arrivalDate: Date, envelopeID: String? = nil,
                recipients: [DSNRecipientReport]) {
        self.reportingMTA = reportingMTA; self.queueID = queueID; self.arrivalDate = arrivalDate
        self.envelopeID = envelopeID; self.recipients = recipients
    }
}
