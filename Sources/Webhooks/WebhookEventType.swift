// WebhookEventType: the stable names of the delivery-status events a webhook endpoint can
// subscribe to (docs/webhooks.md). Never rename one: receivers switch on them.

public enum WebhookEventType: String, Sendable, Codable, CaseIterable, Hashable {
    case delivered
    case bounced
    /// The queue lifetime ran out before any attempt succeeded (recorded as a `bounced` audit record).
    case expired
    case portalNotice = "portal_notice"
    case portalPickedUp = "portal_picked_up"
    case portalRevoked = "portal_revoked"
    case portalExpired = "portal_expired"
}
