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
    /// What the PHI scan found (masked samples only); nil when no scan ran.
    public var findings: [Finding]?
    /// Policy's verdict per recipient, index-aligned with `recipients`; nil when no policy ran.
    /// This is the record's `policy_decision`: rule, finding types and counts, required TLS, methods.
    public var policy: [PolicyVerdictSummary]?
    /// The message's Message-ID header as written (`<…>`), an identifier for `audit message`;
    /// nil when the message had none, and in records written before it was kept.
    public var messageID: String?

    public init(queueID: QueueID, sender: MailAddress?, recipients: [MailAddress], size: Int, client: ClientInfo,
                findings: [Finding]? = nil, policy: [PolicyVerdictSummary]? = nil, messageID: String? = nil) {
        self.queueID = queueID; self.sender = sender; self.recipients = recipients; self.size = size; self.client = client
        self.findings = findings; self.policy = policy; self.messageID = messageID
    }

    /// Convenience for the server: the audit view of a queued envelope.
    public init(envelope: Envelope, messageID: String? = nil) {
        self.init(queueID: envelope.queueID, sender: envelope.sender, recipients: envelope.recipients.map(\.address),
                  size: envelope.size, client: envelope.client, findings: envelope.findings,
                  policy: envelope.decisions?.map(PolicyVerdictSummary.init), messageID: messageID)
    }

    private enum CodingKeys: String, CodingKey {
        case queueID = "queue_id", sender, recipients, size, client, findings, policy, messageID = "message_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queueID = try c.decode(QueueID.self, forKey: .queueID)
        sender = try c.decodeIfPresent(MailAddress.self, forKey: .sender)
        recipients = try c.decode([MailAddress].self, forKey: .recipients)
        size = try c.decode(Int.self, forKey: .size)
        client = try c.decode(AuditClientCoding.self, forKey: .client).client
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings)
        policy = try c.decodeIfPresent([PolicyVerdictSummary].self, forKey: .policy)
        messageID = try c.decodeIfPresent(String.self, forKey: .messageID)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(queueID, forKey: .queueID)
        try c.encodeIfPresent(sender, forKey: .sender)
        try c.encode(recipients, forKey: .recipients)
        try c.encode(size, forKey: .size)
        try c.encode(AuditClientCoding(client), forKey: .client)
        try c.encodeIfPresent(findings, forKey: .findings)
        try c.encodeIfPresent(policy, forKey: .policy)
        try c.encodeIfPresent(messageID, forKey: .messageID)
    }
}
