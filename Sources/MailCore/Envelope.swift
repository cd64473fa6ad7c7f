// Envelope: what the SMTP transaction said about a message (sender, recipients with their RFC 3461
// DSN parameters, body type) and how it arrived. Immutable once the message is queued.

import struct Foundation.Date

public struct Envelope: Sendable, Codable, Equatable {
    public var queueID: QueueID
    /// nil is the null reverse path `<>` (bounces and other notices).
    public var sender: MailAddress?
    public var recipients: [RecipientSpec]
    public var bodyType: BodyType
    public var smtputf8: Bool
    public var requireTLS: Bool
    public var dsnReturn: DSNReturn?
    public var envelopeID: String?
    /// Bytes of the message as queued, Received header included.
    public var size: Int
    public var arrival: Date
    public var client: ClientInfo
    /// Policy's decision per recipient, index-aligned with `recipients` (nil: no policy ran).
    public var decisions: [Decision]?
    /// What the PHI scan found: types, masked samples and parts only, never the values.
    public var findings: [Finding]?

    public init(queueID: QueueID, sender: MailAddress?, recipients: [RecipientSpec], bodyType: BodyType = .sevenBit,
                smtputf8: Bool = false, requireTLS: Bool = false, dsnReturn: DSNReturn? = nil, envelopeID: String? = nil,
                size: Int, arrival: Date, client: ClientInfo, decisions: [Decision]? = nil) {
        self.queueID = queueID; self.sender = sender; self.recipients = recipients; self.bodyType = bodyType
        self.smtputf8 = smtputf8; self.requireTLS = requireTLS; self.dsnReturn = dsnReturn
        self.envelopeID = envelopeID; self.size = size; self.arrival = arrival; self.client = client
        self.decisions = decisions
    }
}

/// One RCPT TO with its DSN parameters.
public struct RecipientSpec: Sendable, Codable, Equatable, Hashable {
    public var address: MailAddress
    /// NOTIFY; nil when the client gave none (RFC 3461 default: FAILURE and DELAY).
    public var notify: Set<DSNNotify>?
    /// ORCPT as given: "rfc822;user@example".
    public var originalRecipient: String?

    public init(address: MailAddress, notify: Set<DSNNotify>? = nil, originalRecipient: String? = nil) {
        self.address = address; self.notify = notify; self.originalRecipient = originalRecipient
    }

    public func wants(_ kind: DSNNotify) -> Bool {
        guard let notify else { return kind == .failure || kind == .delay }
        return notify.contains(kind)
    }
}

public enum DSNNotify: String, Sendable, Codable, Hashable { case never = "NEVER", success = "SUCCESS", failure = "FAILURE", delay = "DELAY" }
public enum DSNReturn: String, Sendable, Codable, Hashable { case full = "FULL", headers = "HDRS" }
public enum BodyType: String, Sendable, Codable, Hashable { case sevenBit = "7BIT", eightBitMIME = "8BITMIME" }

/// Where a message came from: the facts that go in the Received header and the audit record.
public struct ClientInfo: Sendable, Codable, Equatable {
    public var address: String
    public var port: Int
    /// Reverse-DNS name, or nil ("unknown").
    public var hostname: String?
    public var helo: String
    /// "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "SMTP".
    public var protocolName: String
    public var authenticatedUser: String?
    public var tls: TLSFacts?
    public var listener: String

    public init(address: String, port: Int, hostname: String?, helo: String, protocolName: String,
                authenticatedUser: String?, tls: TLSFacts?, listener: String) {
        self.address = address; self.port = port; self.hostname = hostname; self.helo = helo
        self.protocolName = protocolName; self.authenticatedUser = authenticatedUser; self.tls = tls; self.listener = listener
    }
}
