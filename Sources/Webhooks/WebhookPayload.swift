// WebhookPayload: the JSON body of one delivery-status event (docs/webhooks.md). Addresses, queue
// and Message-ID, method, TLS facts and status codes only: never a subject, body, finding or other header.

import Foundation

public struct WebhookPayload: Sendable, Codable, Equatable {
    /// The negotiated TLS of the hop that delivered (absent: plaintext or not an SMTP delivery).
    public struct TLS: Sendable, Codable, Equatable {
        public var version: String
        public var cipher: String
        public var bits: Int
        /// dane-ta, dane-ee, mta-sts, pkix, or none (encrypted but the certificate was not verified).
        public var trust: String
        public var verified: Bool
    }

    /// `evt_` and 32 hex digits; the same in the `Sealgate-Event-Id` header. Receivers dedupe on it.
    public var id: String
    public var type: WebhookEventType
    /// When the gateway recorded the outcome (ISO 8601, UTC, milliseconds).
    public var created: String
    public var queueID: String?
    public var messageID: String?
    public var node: String
    public var sender: String?
    public var recipient: String?
    public var recipientDomain: String?
    /// tls, smime, pgp or portal (delivered); absent otherwise.
    public var method: String?
    public var tls: TLS?
    /// The enhanced status code (RFC 3463), e.g. "2.0.0", "5.1.1", "4.4.7".
    public var status: String?
    public var attempt: Int?
    /// The host that accepted or refused the message (an MX or smarthost name).
    public var relayHost: String?
    public var portalMessageID: String?

    enum CodingKeys: String, CodingKey {
        case id, type, created, queueID = "queue_id", messageID = "message_id", node, sender, recipient
        case recipientDomain = "recipient_domain", method, tls, status, attempt, relayHost = "relay_host"
        case portalMessageID = "portal_message_id"
    }

    /// The body bytes sent (sorted keys, so one event always serialises alike).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
