// AuditEvent: the typed audit events, each with a stable name that is stored, queried and
// documented (docs/audit.md). Never rename a case's name: old records carry it forever.

import MailCore

public enum AuditEvent: Sendable, Codable, Equatable {
    case accepted(AcceptedEvent)
    case deliveryAttempt(AttemptEvent)
    case delivered(AttemptEvent)
    case deferred(AttemptEvent)
    /// Also used when a message expires in the queue.
    case bounced(AttemptEvent)
    case adminAction(AdminEvent)
    /// A step of the secure pickup portal: named `portal_<kind>` (`portal_view`, `portal_login_failed` ...).
    case portal(PortalEvent)
    /// A node quotes the other nodes' chain heads (several nodes on one PostgreSQL).
    case chainHeads(ChainHeadsEvent)
    /// `audit_checkpoint`: the signed stand-in for the records `sealgate audit prune` removed; only
    /// ever the first record of a chain.
    case checkpoint(CheckpointEvent)

    /// Every stable event name, in declaration order (the portal's in its kinds' order).
    public static let allNames = ["accepted", "delivery_attempt", "delivered", "deferred", "bounced", "admin_action"]
        + PortalEvent.Kind.allCases.map(\.eventName) + ["chain_heads", "audit_checkpoint"]

    /// The stable name stored in the `event` column and the canonical JSON.
    public var name: String {
        switch self {
        case .accepted: return "accepted"
        case .deliveryAttempt: return "delivery_attempt"
        case .delivered: return "delivered"
        case .deferred: return "deferred"
        case .bounced: return "bounced"
        case .adminAction: return "admin_action"
        case .portal(let e): return e.kind.eventName
        case .chainHeads: return "chain_heads"
        case .checkpoint: return "audit_checkpoint"
        }
    }

    public var queueID: QueueID? {
        switch self {
        case .accepted(let e): return e.queueID
        case .deliveryAttempt(let e), .delivered(let e), .deferred(let e), .bounced(let e): return e.queueID
        case .adminAction(let e): return e.queueID
        case .portal(let e): return e.queueID
        case .chainHeads, .checkpoint: return nil
        }
    }

    /// The attempt carried by the four delivery events, nil for the others.
    public var attempt: AttemptEvent? {
        switch self {
        case .deliveryAttempt(let e), .delivered(let e), .deferred(let e), .bounced(let e): return e
        case .accepted, .adminAction, .portal, .chainHeads, .checkpoint: return nil
        }
    }

    /// The recipient this record is about (attempt and portal events).
    public var recipient: MailAddress? {
        if case .portal(let e) = self { return e.recipient }
        return attempt?.recipient
    }

    /// The outcome this record states: the attempt's own, or the one its name implies.
    public var outcome: Outcome? {
        switch self {
        case .delivered(let e): return e.outcome ?? .delivered
        case .deferred(let e): return e.outcome ?? .deferred
        case .bounced(let e): return e.outcome ?? .bounced
        case .deliveryAttempt(let e): return e.outcome
        case .accepted, .adminAction, .portal, .chainHeads, .checkpoint: return nil
        }
    }

    // The encoding is flat: {"event": name, ...the payload's own keys}.
    private enum NameKey: String, CodingKey { case event }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        let name = try c.decode(String.self, forKey: .event)
        switch name {
        case "accepted": self = .accepted(try AcceptedEvent(from: decoder))
        case "delivery_attempt": self = .deliveryAttempt(try AttemptEvent(from: decoder))
        case "delivered": self = .delivered(try AttemptEvent(from: decoder))
        case "deferred": self = .deferred(try AttemptEvent(from: decoder))
        case "bounced": self = .bounced(try AttemptEvent(from: decoder))
        case "admin_action": self = .adminAction(try AdminEvent(from: decoder))
        case "chain_heads": self = .chainHeads(try ChainHeadsEvent(from: decoder))
        case "audit_checkpoint": self = .checkpoint(try CheckpointEvent(from: decoder))
        case _ where PortalEvent.kind(named: name) != nil: self = .portal(try PortalEvent(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "unknown audit event \(name)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encode(name, forKey: .event)
        switch self {
        case .accepted(let e): try e.encode(to: encoder)
        case .deliveryAttempt(let e), .delivered(let e), .deferred(let e), .bounced(let e): try e.encode(to: encoder)
        case .adminAction(let e): try e.encode(to: encoder)
        case .portal(let e): try e.encode(to: encoder)
        case .chainHeads(let e): try e.encode(to: encoder)
        case .checkpoint(let e): try e.encode(to: encoder)
        }
    }
}
