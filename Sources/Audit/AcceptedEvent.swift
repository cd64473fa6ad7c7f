// AcceptedEvent: a message was committed to the queue and 250 was sent. Holds the envelope
// addresses, size and how the client connected (inbound TLS facts); never headers or body.

import MailCore

public struct AcceptedEvent: Sendable, Codable, Equatable {
    public var queueID: QueueID
    /// nil is the null reverse path `<>`.
    public var sender: MailAddress?
    public var recipients: [MailAddress]
    public var size: Int
    public var client: ClientInfo

    public init(queueID: QueueID, sender: MailAddress?, recipients: [MailAddress], size: Int, client: ClientInfo) {
        self.queueID = queueID; self.sender = sender; self.recipients = recipients; self.size = size; self.client = client
    }

    /// Convenience for the server: the audit view of a queued envelope.
    public init(envelope: Envelope) {
        self.init(queueID: envelope.queueID, sender: envelope.sender, recipients: envelope.recipients.map(\.address),
                  size: envelope.size, client: envelope.client)
    }

    private enum CodingKeys: String, CodingKey { case queueID = "queue_id", sender, recipients, size, client }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queueID = try c.decode(QueueID.self, forKey: .queueID)
        sender = try c.decodeIfPresent(MailAddress.self, forKey: .sender)
        recipients = try c.decode([MailAddress].self, forKey: .recipients)
        size = try c.decode(Int.self, forKey: .size)
        client = try c.decode(AuditClientCoding.self, forKey: .client).client
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(queueID, forKey: .queueID)
        try c.encodeIfPresent(sender, forKey: .sender)
        try c.encode(recipients, forKey: .recipients)
        try c.encode(size, forKey: .size)
        try c.encode(AuditClientCoding(client), forKey: .client)
    }
}
