// PortalAdminReply: the portal commands' answer on the control socket: metadata rows (ids, addresses,
// dates, size, views, state) and lockouts. There is no field for content, tokens or keys.

import Foundation
import Portal

public struct PortalAdminReply: Codable, Sendable, Equatable {
    public var messages: [PortalMessageRow]
    public var lockouts: [PortalLockoutRow]

    public init(messages: [PortalMessageRow] = [], lockouts: [PortalLockoutRow] = []) {
        self.messages = messages; self.lockouts = lockouts
    }
}

/// One portal message as an admin sees it. A damaged record (or the tombstone of one) has only its
/// id, state and, once destroyed, `goneAt`.
public struct PortalMessageRow: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case active, expired, revoked, damaged }

    public var id: String
    public var state: State
    public var queueID: String?
    public var sender: String?
    public var recipient: String?
    public var createdAt: Date?
    public var expiresAt: Date?
    /// When it was revoked or expired (its keys and ciphertext destroyed).
    public var goneAt: Date?
    public var size: Int?
    public var views: Int?
    public var firstViewedAt: Date?
    public var readReceipt: Bool?

    private enum CodingKeys: String, CodingKey {
        case id, state, queueID = "queue_id", sender, recipient, createdAt = "created_at", expiresAt = "expires_at"
        case goneAt = "gone_at", size, views, firstViewedAt = "first_viewed_at", readReceipt = "read_receipt"
    }

    public init(_ metadata: PortalMessageMetadata) {
        id = metadata.id.text
        queueID = metadata.queueID.description
        sender = metadata.sender?.description ?? ""
        recipient = metadata.recipient.description
        createdAt = metadata.createdAt; expiresAt = metadata.expiresAt
        size = metadata.size; views = metadata.views; firstViewedAt = metadata.firstViewedAt
        readReceipt = metadata.readReceipt
        switch metadata.state {
        case .active: state = .active
        case .gone(let gone): (state, goneAt) = (PortalMessageRow.state(gone), gone.at)
        }
    }

    public init(_ entry: PortalListEntry) {
        switch entry {
        case .message(let metadata): self.init(metadata)
        case .damaged(let id): self.init(id: id, state: .damaged)
        case .destroyedDamaged(let id, let gone): self.init(id: id, state: PortalMessageRow.state(gone), goneAt: gone.at)
        }
    }

    private init(id: PortalMessageID, state: State, goneAt: Date? = nil) {
        self.id = id.text; self.state = state; self.goneAt = goneAt
    }

    private static func state(_ gone: PortalGone) -> State { gone.reason == .revoked ? .revoked : .expired }
}

/// A lockout in force: what it is on (message, recipient or client) and until when.
public struct PortalLockoutRow: Codable, Sendable, Equatable {
    public var scope: String
    public var value: String
    public var until: Date

    public init(_ lockout: PortalLockout) {
        scope = lockout.key.scope.rawValue; value = lockout.key.value; until = lockout.until
    }
}
