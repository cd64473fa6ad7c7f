// PortalEvent: one step of the secure pickup portal (notice, code, login, view, reply, expiry ...),
// with the portal message id and the queue id it came from. Never content, a subject, a code or a token.

import MailCore

public struct PortalEvent: Sendable, Codable, Equatable {
    /// What happened; the stored event name is `"portal_" + rawValue`. Never rename one.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case notice
        case senderCopy = "sender_copy"
        case codeSent = "code_sent"
        case login
        case loginFailed = "login_failed"
        case lockout
        case unlock
        case view
        case download
        case reply
        case passwordSet = "password_set"
        case passwordReset = "password_reset"
        case readReceipt = "read_receipt"
        case expired
        case revoked
        case damaged

        /// The stored event name.
        public var eventName: String { PortalEvent.namePrefix + rawValue }
    }

    static let namePrefix = "portal_"

    public var kind: Kind
    /// The portal message's id (26 base32 characters), when the step concerns one message.
    public var portalMessageID: String?
    /// The queued message the portal message came from (for a reply or a notice: see `detail`).
    public var queueID: QueueID?
    /// The portal recipient concerned (stored in the record's `recipient` column too).
    public var recipient: MailAddress?
    /// The web client's IP address, for steps a browser made.
    public var client: String?
    /// Who acted, for admin and sender steps ("sender", a Unix user name, "uid:0").
    public var actor: String?
    /// Free text about the step, never content (e.g. "reason=wrong-code remaining=3", "reply queued as Q", "part 2 image/png 5120 bytes").
    public var detail: String?

    public init(kind: Kind, portalMessageID: String? = nil, queueID: QueueID? = nil, recipient: MailAddress? = nil,
                client: String? = nil, actor: String? = nil, detail: String? = nil) {
        self.kind = kind; self.portalMessageID = portalMessageID; self.queueID = queueID; self.recipient = recipient
        self.client = client; self.actor = actor; self.detail = detail
    }

    // The kind is the record's `event` name ("portal_view"), written by AuditEvent; the rest are flat keys.
    private enum CodingKeys: String, CodingKey {
        case event, portalMessageID = "portal_message_id", queueID = "queue_id", recipient
        case client = "client_address", actor, detail
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .event)
        guard let kind = PortalEvent.kind(named: name) else {
            throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "unknown portal event \(name)")
        }
        self.init(kind: kind, portalMessageID: try c.decodeIfPresent(String.self, forKey: .portalMessageID),
                  queueID: try c.decodeIfPresent(QueueID.self, forKey: .queueID),
                  recipient: try c.decodeIfPresent(MailAddress.self, forKey: .recipient),
                  client: try c.decodeIfPresent(String.self, forKey: .client),
                  actor: try c.decodeIfPresent(String.self, forKey: .actor),
                  detail: try c.decodeIfPresent(String.self, forKey: .detail))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(portalMessageID, forKey: .portalMessageID)
        try c.encodeIfPresent(queueID, forKey: .queueID)
        try c.encodeIfPresent(recipient, forKey: .recipient)
        try c.encodeIfPresent(client, forKey: .client)
        try c.encodeIfPresent(actor, forKey: .actor)
        try c.encodeIfPresent(detail, forKey: .detail)
    }

    /// The kind a stored event name stands for, nil when it is not a portal event's.
    static func kind(named name: String) -> Kind? {
        guard name.hasPrefix(namePrefix) else { return nil }
        return Kind(rawValue: String(name.dropFirst(namePrefix.count)))
    }
}
