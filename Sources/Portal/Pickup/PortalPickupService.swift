// PortalPickupService: every step of a pickup as the web routes call it (helper-agnostic: the routes
// depend on this protocol; `PortalPickup` implements it over the store, the mailer and the audit log).

import Foundation
import MailCore

public protocol PortalPickupService: Sendable {
    /// The first request of a pickup link: parses the id and token into a new server-side session. It
    /// touches no store and sends nothing (mail scanners fetch every link); a malformed link still gets
    /// a session, which fails later exactly like a wrong token.
    func arriveByLink(id: String, token: String, client: String) async -> PortalSessionID
    /// What the session is doing now; nil for an unknown or idle-expired session.
    func state(of session: PortalSessionID?) async -> PortalSessionState?

    /// POST: checks the link, emails a one-time code to the recipient.
    func requestCode(_ session: PortalSessionID, client: String) async throws -> PortalCodeReceipt
    /// POST: checks the code; the session may then read that message.
    func verifyCode(_ session: PortalSessionID, code: String, client: String) async throws -> PortalMessageID
    /// Opens a message the session holds (by link after the code, or by the recipient's key after sign-in).
    func openMessage(_ session: PortalSessionID, id: String, client: String) async throws -> PortalOpenedMessage
    func recordDownload(_ session: PortalSessionID, id: PortalMessageID, part: String, contentType: String, size: Int,
                        client: String) async
    /// Whether the session's recipient has a password (so the page offers to set one, or not).
    func hasPassword(_ session: PortalSessionID) async -> Bool

    func setPassword(_ session: PortalSessionID, password: String, confirm: String, client: String) async throws
    func login(address: String, password: String, client: String) async throws -> PortalSessionID
    func inbox(_ session: PortalSessionID) async throws -> [PortalMessageMetadata]
    /// Answers alike whether or not the address is known; mails a reset code only to a recipient with a password.
    func requestReset(address: String, client: String) async throws -> PortalSessionID
    func completeReset(_ session: PortalSessionID, code: String, password: String, confirm: String, client: String) async throws

    /// The reply goes to the original sender only (no address comes from the form: no open relay).
    func sendReply(_ session: PortalSessionID, id: PortalMessageID, body: String, attachments: [PortalUpload],
                   client: String) async throws -> QueueID
    /// The sender's revoke link (from the sender copy of the notice).
    func revokeBySender(id: String, token: String, client: String) async throws

    /// Per-session random token every form carries; compared in constant time.
    func csrfToken(_ session: PortalSessionID) async -> String?
    func checkCSRF(_ session: PortalSessionID?, _ token: String?) async -> Bool
    func logout(_ session: PortalSessionID) async

    /// The organisation the pages name.
    var organisation: String { get }
}

/// A server-side session's id: 128 random bits, 26 base32 characters, only ever in the cookie.
public struct PortalSessionID: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public init(text: String) { self.text = text }
    /// Redacted: a session id in a log line would let its reader take the session over.
    public var description: String { "<portal session>" }
}

public enum PortalSessionState: Sendable, Equatable {
    /// Arrived by a link; nothing checked or sent yet.
    case linked(PortalMessageID?)
    /// A pickup code was sent for this message.
    case codeSent(PortalMessageID, maskedAddress: String, expires: Date)
    /// The code was right: the session may read this message (and set a password).
    case reading(PortalMessageID)
    /// Signed in with the password: the recipient's inbox.
    case inbox(MailAddress)
    /// A reset code was (or, for an unknown address, seemed to be) sent.
    case resetCodeSent(maskedAddress: String)
}

/// What the code page says after a code was sent: where (masked, `j***@example.org`) and until when.
public struct PortalCodeReceipt: Sendable, Equatable {
    public var maskedAddress: String
    public var expires: Date
    public init(maskedAddress: String, expires: Date) { self.maskedAddress = maskedAddress; self.expires = expires }
}
