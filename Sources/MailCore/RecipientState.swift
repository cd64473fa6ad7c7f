// RecipientState: where one recipient of a queued message stands. Each recipient has its own
// small mutable record beside the immutable message (OpenSMTPD's envelope idea).

import struct Foundation.Date

public enum Outcome: String, Sendable, Codable, Hashable {
    case delivered, deferred, bounced, held, quarantined, rejected
}

public struct RecipientState: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, Hashable { case pending, deferred, delivered, bounced, held }

    public var status: Status
    public var attempts: Int
    public var nextAttempt: Date?
    public var lastAttempt: Date?
    /// The last reply or local reason, as one line (never message content).
    public var lastReply: String?
    public var lastStatus: EnhancedStatus?
    /// The status to return to when a held recipient is released.
    public var statusBeforeHold: Status?
    /// Set once a DELAY notice was sent, so it is sent once.
    public var delayNotified: Bool
    /// The method ladder's line for the last attempt ("method=tls; skipped: smime: no certificate
    /// on file"), for `queue show`; nil before any attempt and for mail without a policy decision.
    public var lastMethod: String?

    public init(status: Status = .pending, attempts: Int = 0, nextAttempt: Date? = nil, lastAttempt: Date? = nil,
                lastReply: String? = nil, lastStatus: EnhancedStatus? = nil, statusBeforeHold: Status? = nil, delayNotified: Bool = false) {
        self.status = status; self.attempts = attempts; self.nextAttempt = nextAttempt; self.lastAttempt = lastAttempt
        self.lastReply = lastReply; self.lastStatus = lastStatus; self.statusBeforeHold = statusBeforeHold
        self.delayNotified = delayNotified
    }

    /// Delivered and bounced recipients need nothing more.
    public var isFinal: Bool { status == .delivered || status == .bounced }
}
