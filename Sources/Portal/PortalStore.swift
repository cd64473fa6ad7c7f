// PortalStore: the portal's message store as the web pages, notices and admin commands use it: files
// (FilePortalStore) or PostgreSQL (PostgresPortalStore). Calls block (I/O, scrypt): run them on a thread pool.

import Crypto
import Foundation
import MailCore

public protocol PortalStore: Sendable {
    /// Seals and stores one recipient's copy durably, then returns its metadata and the link token
    /// (which the store does not keep). When the recipient has a password the key is also wrapped to it.
    func deposit(_ request: PortalDepositRequest) throws -> PortalDeposit

    /// The message's metadata (also for a gone message whose tombstone kept it). Opens no content.
    /// An expired message is destroyed then, and its metadata comes back with the state `.gone`.
    func metadata(of id: PortalMessageID) throws -> PortalMessageMetadata

    /// Checks a link without opening any content: the metadata for the right token; `.denied` for a
    /// wrong one (also when the message is gone: its tombstone keeps the link's check value, so only
    /// the right token learns `.gone`); `.notFound` for an unknown id. An expired message is destroyed.
    func verifyLink(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalMessageMetadata

    /// Opens a message with its link token. An expired message is destroyed then and reported `.gone`;
    /// a gone message answers `.gone` to its right token only, `.denied` to any other.
    func open(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalOpenedMessage

    /// Counts one more session's view of an active message and returns the metadata as updated
    /// (`views`, and `firstViewedAt` on the first): the caller sends a read receipt when `views` is 1.
    func noteView(_ id: PortalMessageID) throws -> PortalMessageMetadata

    /// Whether the recipient has a password (a key pair) now.
    func hasPassword(_ recipient: MailAddress) throws -> Bool

    /// Sets the first password of the message's recipient, proven by the message's link token: makes
    /// the recipient's key pair and wraps this message to it. `.passwordAlreadySet` when one exists.
    func setPassword(_ password: String, opening id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalRecipientKey

    /// Wraps a message opened by its link to its recipient's current key pair, so it joins their inbox
    /// (a message deposited before the password, or before a reset). `.noPassword` when there is none.
    func joinInbox(_ id: PortalMessageID, linkToken: PortalLinkToken) throws

    /// Replaces the recipient's key pair (after the caller checked an emailed code): the old private key
    /// is destroyed and the wraps to it removed, so older messages open only through their links again.
    func resetPassword(_ recipient: MailAddress, newPassword: String) throws -> PortalRecipientKey

    /// The recipient's private key, unsealed with the password. `.denied` for a wrong password;
    /// `.noPassword` for a recipient without one, after the same slow hash (no timing oracle).
    func unlock(_ recipient: MailAddress, password: String) throws -> PortalRecipientKey

    /// The messages wrapped to this key (active ones, oldest first). `.denied` after a reset.
    func inbox(for key: PortalRecipientKey) throws -> [PortalMessageMetadata]

    /// Opens a message wrapped to this key. `.denied` when it is not (or the key was reset).
    func open(_ id: PortalMessageID, with key: PortalRecipientKey) throws -> PortalOpenedMessage

    /// Destroys the message's keys and ciphertext durably, leaving a tombstone, and returns its metadata
    /// (nil when its record was damaged: it is destroyed all the same). `.gone` when it already was.
    func revoke(_ id: PortalMessageID) throws -> PortalMessageMetadata?

    /// Destroys every message whose expiry has passed (by the store's clock) and returns them.
    func expire() throws -> [PortalMessageMetadata]

    /// Every message's metadata, active and gone, oldest first; damaged records as their ids. Expired
    /// messages it meets are destroyed, as by `metadata(of:)`.
    func list() throws -> [PortalListEntry]
}

extension PortalStore {
    /// Opens a message with the recipient's password alone (the returning recipient).
    public func open(_ id: PortalMessageID, recipient: MailAddress, password: String) throws -> PortalOpenedMessage {
        try open(id, with: try unlock(recipient, password: password))
    }
}

/// One recipient's copy of a message, for the store.
public struct PortalDepositRequest: Sendable {
    public var queueID: QueueID
    public var sender: MailAddress?
    public var recipient: MailAddress
    /// The message as accepted (RFC 5322 bytes), unencrypted; the store seals it.
    public var message: [UInt8]
    /// How long the message stays available (policy's `portal.expiry`; 30 days by default there).
    public var lifetime: TimeInterval
    /// Whether the sender wants a read receipt when the recipient first opens it (kept in the metadata).
    public var readReceipt: Bool

    public init(queueID: QueueID, sender: MailAddress?, recipient: MailAddress, message: [UInt8], lifetime: TimeInterval,
                readReceipt: Bool = false) {
        self.queueID = queueID; self.sender = sender; self.recipient = recipient
        self.message = message; self.lifetime = lifetime; self.readReceipt = readReceipt
    }
}

/// What a deposit gives back: the metadata and the link token, which only the notice may carry.
public struct PortalDeposit: Sendable {
    public var metadata: PortalMessageMetadata
    public var linkToken: PortalLinkToken
}

/// A message opened: its metadata and its bytes.
public struct PortalOpenedMessage: Sendable {
    public var metadata: PortalMessageMetadata
    public var content: [UInt8]
}

/// A recipient's unsealed private key, held by a logged-in session only (never stored unsealed).
public struct PortalRecipientKey: Sendable, CustomStringConvertible {
    public let recipient: MailAddress
    /// Which key pair (a new one after each reset).
    let keyID: [UInt8]
    let privateKey: Curve25519.KeyAgreement.PrivateKey

    public var description: String { "<portal recipient key>" }
}
