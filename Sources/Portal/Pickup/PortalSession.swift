// PortalSession: what the server keeps for one browser (the cookie holds only its id): the link it
// arrived by, the pending code, what it may read now, its CSRF token, and when it was last used.

import Foundation
import MailCore

struct PortalSession: Sendable {
    /// Where the session is in the pickup.
    enum Stage: Sendable {
        /// Arrived by a link (id and token parsed; nil when malformed, so it fails later like a wrong token).
        case linked(PortalMessageID?, PortalLinkToken?)
        /// A pickup code was mailed to the (verified) link's recipient.
        case codeSent(PortalLinkAccess, masked: String, code: PortalOneTimeCode)
        /// The code was right: this message may be read by its link; `key` once a password was set.
        case reading(PortalLinkAccess, key: PortalRecipientKey?)
        /// Signed in with the password (or after a reset): the recipient's inbox.
        case inbox(PortalRecipientKey)
        /// A reset was asked for this address; `code` is nil when no code went (unknown address or no
        /// password), which the pages cannot tell from a code that did.
        case resetCodeSent(MailAddress, masked: String, code: PortalOneTimeCode?)
    }

    let id: PortalSessionID
    let csrf: String
    var lastUsed: Date
    var stage: Stage
    /// Messages this session has opened (the first open of each is the audited view).
    var viewed: Set<PortalMessageID> = []

    /// Whether the session has proven anything (a code or a password): such sessions are dropped last.
    var isAuthenticated: Bool {
        switch stage {
        case .reading, .inbox: return true
        case .linked, .codeSent, .resetCodeSent: return false
        }
    }

    /// The state the pages are drawn from.
    var state: PortalSessionState {
        switch stage {
        case .linked(let id, _): return .linked(id)
        case .codeSent(let access, let masked, let code): return .codeSent(access.id, maskedAddress: masked, expires: code.expires)
        case .reading(let access, _): return .reading(access.id)
        case .inbox(let key): return .inbox(key.recipient)
        case .resetCodeSent(_, let masked, _): return .resetCodeSent(maskedAddress: masked)
        }
    }
}

/// A message's link as a session holds it after the store verified it: the id, the token, and the
/// metadata the store gave back then (recipient, sender, queue id).
struct PortalLinkAccess: Sendable {
    let id: PortalMessageID
    let token: PortalLinkToken
    let metadata: PortalMessageMetadata

    var recipient: MailAddress { metadata.recipient }
}
