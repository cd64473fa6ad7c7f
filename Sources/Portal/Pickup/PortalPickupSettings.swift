// PortalPickupSettings: the pickup's limits and names (config `portal:`): base URL, organisation, the
// address portal mail comes from, session and code lifetimes, rate limits, lockout, reply limits.

import Foundation
import MailCore

public struct PortalPickupSettings: Sendable {
    /// `portal.base_url`, e.g. `https://portal.clinic.example` (a trailing `/` is ignored).
    public var baseURL: String
    /// The organisation the pages and mail name.
    public var organisation: String
    /// `portal.notice_from`: the envelope sender and From of every portal mail (notices, codes, receipts).
    public var noticeFrom: MailAddress
    /// Idle lifetime of a session (`portal.session_lifetime`, 15 min).
    public var sessionLifetime: TimeInterval
    /// How long an emailed code is good for (`portal.code_lifetime`, 15 min; the issue asks 10–15 min).
    public var codeLifetime: TimeInterval
    /// Codes mailed per message (and per recipient) in an hour (`portal.codes_per_hour`, 5).
    public var codesPerHour: Int
    /// Failures (wrong codes or passwords) within an hour that lock a message, recipient or client (5).
    public var failuresBeforeLockout: Int
    /// How long a lockout lasts unless an admin lifts it (`portal.lockout.duration`, 1 h).
    public var lockoutDuration: TimeInterval
    /// A reply's body and attachments together at most (`portal.reply.max_size`, 10 MiB).
    public var replyMaxSize: Int
    /// Attachments per reply at most (`portal.reply.max_attachments`, 5).
    public var replyMaxAttachments: Int
    /// Sessions held at most; beyond it the oldest unauthenticated one is dropped first (10,000).
    public var maxSessions: Int

    public init(baseURL: String, organisation: String, noticeFrom: MailAddress, sessionLifetime: TimeInterval = 15 * 60,
                codeLifetime: TimeInterval = 15 * 60, codesPerHour: Int = 5, failuresBeforeLockout: Int = 5,
                lockoutDuration: TimeInterval = 3600, replyMaxSize: Int = 10 << 20, replyMaxAttachments: Int = 5,
                maxSessions: Int = 10_000) {
        self.baseURL = baseURL; self.organisation = organisation; self.noticeFrom = noticeFrom
        self.sessionLifetime = sessionLifetime; self.codeLifetime = codeLifetime; self.codesPerHour = codesPerHour
        self.failuresBeforeLockout = failuresBeforeLockout; self.lockoutDuration = lockoutDuration
        self.replyMaxSize = replyMaxSize; self.replyMaxAttachments = replyMaxAttachments; self.maxSessions = maxSessions
    }

    /// Codes a single client address may have mailed in an hour: ten times the per-message rate, because
    /// many recipients can share one address (a carrier's NAT, a clinic's waiting room Wi-Fi).
    var codesPerClientPerHour: Int { codesPerHour * 10 }
}
