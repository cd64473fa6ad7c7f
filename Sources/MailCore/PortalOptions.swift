// PortalOptions: what a policy rule says about delivery through the portal (`deliver.portal`):
// how long the message stays, whether the notice may name the subject, the sender's copy, receipts.

import struct Foundation.TimeInterval

public struct PortalOptions: Sendable, Codable, Hashable {
    /// How long the message stays on the portal (`expiry`); nil: the portal's default (30 days).
    public var expiry: TimeInterval?
    /// Whether the notice may name the message's subject (`notice_subject`; off: subjects can hold PHI).
    public var noticeSubject: Bool
    /// Whether the sender gets a copy of the notice with a revoke link (`sender_copy`).
    public var senderCopy: Bool
    /// Whether the sender is told when the recipient first opens the message (`read_receipt`).
    public var readReceipt: Bool

    public init(expiry: TimeInterval? = nil, noticeSubject: Bool = false, senderCopy: Bool = false, readReceipt: Bool = false) {
        self.expiry = expiry; self.noticeSubject = noticeSubject; self.senderCopy = senderCopy; self.readReceipt = readReceipt
    }
}
