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
    /// Whether policy asked for a read receipt to the sender when the recipient first opens it
    /// (`deliver.portal.read_receipt`). Records written before this field read as false.
    public var readReceipt: Bool
    /// How many pickup sessions opened the message (counted by `noteView`); 0 in older records.
    public var views: Int
    /// When a session first opened it; nil until then (the read receipt goes once, then).
    public var firstViewedAt: Date?

    public init(id: PortalMessageID, queueID: QueueID, sender: MailAddress?, recipient: MailAddress, createdAt: Date,
                expiresAt: Date, size: Int, state: PortalMessageState, readReceipt: Bool = false, views: Int = 0,
                firstViewedAt: Date? = nil) {
        self.id = id; self.queueID = queueID; self.sender = sender; self.recipient = recipient
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.size = size; self.state = state
        self.readReceipt = readReceipt; self.views = views; self.firstViewedAt = firstViewedAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, queueID, sender, recipient, createdAt, expiresAt, size, state, readReceipt, views, firstViewedAt
    }

    /// Records sealed before `readReceipt`, `views` and `firstViewedAt` existed still decode.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(PortalMessageID.self, forKey: .id), queueID: try c.decode(QueueID.self, forKey: .queueID),
                  sender: try c.decodeIfPresent(MailAddress.self, forKey: .sender),
                  recipient: try c.decode(MailAddress.self, forKey: .recipient),
                  createdAt: try c.decode(Date.self, forKey: .createdAt), expiresAt: try c.decode(Date.self, forKey: .expiresAt),
                  size: try c.decode(Int.self, forKey: .size), state: try c.decode(PortalMessageState.self, forKey: .state),
                  readReceipt: try c.decodeIfPresent(Bool.self, forKey: .readReceipt) ?? false,
                  views: try c.decodeIfPresent(Int.self, forKey: .views) ?? 0,
                  firstViewedAt: try c.decodeIfPresent(Date.self, forKey: .firstViewedAt))
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
