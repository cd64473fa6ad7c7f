// AttemptEvent: one delivery attempt for one recipient: where it went (host, IP, port), what TLS
// was measured, the reply and the outcome. Used by delivery_attempt/delivered/deferred/bounced.

import Foundation
import MailCore

public struct AttemptEvent: Sendable, Codable, Equatable {
    public var queueID: QueueID
    public var recipient: MailAddress
    /// 1 for the first attempt.
    public var attempt: Int
    public var relayHost: String?
    public var relayIP: String?
    public var relayPort: Int?
    /// nil = the session was plaintext (or never got as far as TLS).
    public var tls: TLSFacts?
    /// The remote reply as one line, e.g. "250 2.0.0 Ok: queued as X".
    public var reply: String?
    public var status: EnhancedStatus?
    public var outcome: Outcome?
    /// A local reason when there is no reply (connection refused, TLS required but not offered...).
    public var reason: String?
    /// Seconds from arrival to this attempt's end.
    public var delay: TimeInterval?
    /// The method ladder's choice for this recipient (nil for mail without a policy decision).
    public var method: MethodRecord?
    /// What this session tells an RFC 8460 TLS report (nil: no TLS policy recorded for the hop).
    public var tlsReport: TLSReportFacts?

    public init(queueID: QueueID, recipient: MailAddress, attempt: Int, relayHost: String? = nil, relayIP: String? = nil,
                relayPort: Int? = nil, tls: TLSFacts? = nil, reply: String? = nil, status: EnhancedStatus? = nil,
                outcome: Outcome? = nil, reason: String? = nil, delay: TimeInterval? = nil, method: MethodRecord? = nil) {
        self.queueID = queueID; self.recipient = recipient; self.attempt = attempt
        self.relayHost = relayHost; self.relayIP = relayIP; self.relayPort = relayPort; self.tls = tls
        self.reply = reply; self.status = status; self.outcome = outcome; self.reason = reason; self.delay = delay
        self.method = method
    }

    private enum CodingKeys: String, CodingKey {
        case queueID = "queue_id", recipient, attempt, relayHost = "relay_host", relayIP = "relay_ip"
        case relayPort = "relay_port", tls, reply, status, outcome, reason, delay, method, tlsReport = "tls_report"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queueID = try c.decode(QueueID.self, forKey: .queueID)
        recipient = try c.decode(MailAddress.self, forKey: .recipient)
        attempt = try c.decode(Int.self, forKey: .attempt)
        relayHost = try c.decodeIfPresent(String.self, forKey: .relayHost)
        relayIP = try c.decodeIfPresent(String.self, forKey: .relayIP)
        relayPort = try c.decodeIfPresent(Int.self, forKey: .relayPort)
        tls = try c.decodeIfPresent(AuditTLSCoding.self, forKey: .tls)?.facts
        reply = try c.decodeIfPresent(String.self, forKey: .reply)
        status = try c.decodeIfPresent(EnhancedStatus.self, forKey: .status)
        outcome = try c.decodeIfPresent(Outcome.self, forKey: .outcome)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        delay = try c.decodeIfPresent(Double.self, forKey: .delay)
        method = try c.decodeIfPresent(MethodRecord.self, forKey: .method)
        tlsReport = try c.decodeIfPresent(TLSReportFacts.self, forKey: .tlsReport)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(queueID, forKey: .queueID)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(attempt, forKey: .attempt)
        try c.encodeIfPresent(relayHost, forKey: .relayHost)
        try c.encodeIfPresent(relayIP, forKey: .relayIP)
        try c.encodeIfPresent(relayPort, forKey: .relayPort)
        try c.encodeIfPresent(tls.map(AuditTLSCoding.init), forKey: .tls)
        try c.encodeIfPresent(reply, forKey: .reply)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(delay, forKey: .delay)
        try c.encodeIfPresent(method, forKey: .method)
        try c.encodeIfPresent(tlsReport, forKey: .tlsReport)
    }
}
