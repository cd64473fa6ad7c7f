// WebhookEndpoint: one configured receiver (`webhooks:` in the config): its HTTPS URL, the shared
// HMAC secret (read from a 0600 file), the events it wants, an optional private CA and the retry schedule.

import Crypto
import Foundation

public struct WebhookEndpoint: Sendable, Equatable {
    public var url: String
    public var secret: [UInt8]
    public var events: Set<WebhookEventType>
    /// PEM file with the CA(s) that sign the receiver's certificate, besides the system's roots.
    public var caFile: String?
    public var backoff: WebhookBackoff

    public init(url: String, secret: [UInt8], events: Set<WebhookEventType> = Set(WebhookEventType.allCases),
                caFile: String? = nil, backoff: WebhookBackoff = WebhookBackoff()) {
        self.url = url; self.secret = secret; self.events = events; self.caFile = caFile; self.backoff = backoff
    }

    /// The outbox subdirectory's name: stable across restarts and reorderings of the config (a hash of the URL).
    public var queueName: String {
        SHA256.hash(data: Array(url.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
