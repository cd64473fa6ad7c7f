// WebhookEventMapper: which audit records are a recipient's final outcome and the payload each
// becomes. Pure: the id, time and node come in; deferred attempts, logins, codes and admin records map to nothing.

import Audit
import Foundation
import MailCore

public struct WebhookEventMapper: Sendable {
    public var node: String

    public init(node: String) { self.node = node }

    /// What the accepted record told about a message (its Message-ID and sender), kept by the recorder.
    public struct MessageFacts: Sendable, Equatable {
        public var messageID: String?
        public var sender: String?
        public init(messageID: String?, sender: String?) { self.messageID = messageID; self.sender = sender }
    }

    /// The payload for `event`, or nil when it is not a delivery-status event.
    public func payload(for event: AuditEvent, id: String, created: Date, facts: MessageFacts?) -> WebhookPayload? {
        guard let type = Self.type(of: event) else { return nil }
        var p = WebhookPayload(id: id, type: type, created: Self.timestamp(created), queueID: event.queueID?.description,
                               messageID: facts?.messageID, node: node, sender: facts?.sender)
        if let recipient = event.recipient {
            p.recipient = recipient.description
            p.recipientDomain = "\(recipient.domain)".lowercased()
        }
        if let attempt = event.attempt {
            p.attempt = attempt.attempt
            p.status = attempt.status?.description
            p.relayHost = attempt.relayHost
            if type == .delivered {
                p.method = attempt.method?.method ?? "tls"
                p.tls = attempt.tls.map(Self.tls)
            }
        }
        if case .portal(let e) = event { p.portalMessageID = e.portalMessageID }
        return p
    }

    /// The webhook type of an audit record, nil for the records no endpoint is told about.
    public static func type(of event: AuditEvent) -> WebhookEventType? {
        switch event {
        case .delivered: return .delivered
        case .bounced(let e): return (e.reason ?? "").hasPrefix("message expired") ? .expired : .bounced
        case .portal(let e):
            switch e.kind {
            case .notice: return .portalNotice
            // `portal_view` is recorded when a session first opens the message.
            case .view: return .portalPickedUp
            case .revoked: return .portalRevoked
            case .expired: return .portalExpired
            default: return nil
            }
        case .accepted, .deliveryAttempt, .deferred, .adminAction, .chainHeads, .checkpoint: return nil
        }
    }

    static func tls(_ facts: TLSFacts) -> WebhookPayload.TLS {
        var trust = "none"
        var verified = false
        if case .verified(let source) = facts.verification { trust = source.rawValue; verified = true }
        return .init(version: facts.version, cipher: facts.cipher, bits: facts.bits, trust: trust, verified: verified)
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}
