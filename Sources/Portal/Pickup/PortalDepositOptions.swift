// PortalDepositOptions: what policy says about one portal delivery (`deliver.portal` in a policy
// file, read into the Decision by Gateway): how long it stays, what the notice may say, receipts.

import Foundation

public struct PortalDepositOptions: Sendable, Equatable {
    public static let defaultLifetime: TimeInterval = 30 * 86400

    /// How long the message stays available (`portal.expiry`; 30 days by default).
    public var lifetime: TimeInterval
    /// Whether the notice may name the message's subject (`portal.notice_subject`; off by default).
    public var noticeSubject: Bool
    /// Whether the sender gets a copy of the notice with a revoke link (`portal.sender_copy`).
    public var senderCopy: Bool
    /// Whether the sender is told when the recipient first opens the message (`portal.read_receipt`).
    public var readReceipt: Bool

    public init(lifetime: TimeInterval = PortalDepositOptions.defaultLifetime, noticeSubject: Bool = false,
                senderCopy: Bool = false, readReceipt: Bool = false) {
        self.lifetime = lifetime; self.noticeSubject = noticeSubject; self.senderCopy = senderCopy
        self.readReceipt = readReceipt
    }
}
