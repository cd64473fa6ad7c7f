// PortalMessageMetadata: what the store knows about a message besides its content (sealed in the
// store like the rest): ids, envelope addresses, dates, size, state. Admin listings show only this.

import Foundation
import MailCore

public struct PortalMessageMetadata: Codable, Sendable, Equatable {
    public var id: PortalMessageID
    /// The spool message it came from (audit records carry both).
    public var queueID: QueueID
    /// The envelope sender; nil for the null reverse-path.
    public var sender: MailAddress?
    public var recipient: MailAddress
    public var createdAt: Date
    public var expiresAt: Date
    /// The message's size in bytes.
    public var size: Int
    public var state: PortalMessageState

    public init(id: PortalMessageID, queueID: QueueID, sender: MailAddress?, recipient: MailAddress, createdAt: Date,
                expiresAt: Date, size: Int, state: PortalMessageState) {
        self.id = id; self.queueID = queueID; self.sender = sender; self.recipient = recipient
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.size = size; self.state = state
    }
}

public enum PortalMessageState: Codable, Sendable, Equatable {
    case active
    case gone(PortalGone)
}

/// Why and when a message's keys and content were destroyed.
public struct PortalGone: Codable, Sendable, Equatable {
    public enum Reason: String, Codable, Sendable { case revoked, expired }
    public var reason: Reason
    public var at: Date

    public init(reason: Reason, at: Date) { self.reason = reason; self.at = at }
}

/// One row of the admin listing: a message's metadata (active or gone), the id of a record that fails
/// authentication, or the tombstone of a message whose record was damaged when it was destroyed.
public enum PortalListEntry: Sendable, Equatable {
    case message(PortalMessageMetadata)
    case damaged(PortalMessageID)
    case destroyedDamaged(PortalMessageID, PortalGone)
}
