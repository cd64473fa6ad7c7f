// AuditSummary: `sealgate audit summary`: outcome counts of the delivery records in a period, by
// method, the share of deliveries sent securely, and the TLS versions seen; overall or per group.

import Foundation
import MailCore

public struct AuditSummary: Sendable, Equatable {
    public enum Grouping: String, Sendable, CaseIterable { case day, domain, method }

    /// The counts of one group (or of everything).
    public struct Tally: Sendable, Equatable {
        public var key: String
        /// Records per outcome (`delivered`, `deferred`, `bounced`, `held` …).
        public var outcomes: [String: Int] = [:]
        /// Records per method (`-` for the gateway's own mail, which has none) and outcome.
        public var methods: [String: [String: Int]] = [:]
        public var delivered = 0
        /// Delivered over verified TLS, or encrypted end to end, or into the portal.
        public var secure = 0
        /// TLS versions of the delivered hops (`none` for plaintext hops); portal deliveries have no hop.
        public var tlsVersions: [String: Int] = [:]

        public init(key: String) { self.key = key }

        /// `secure / delivered`, nil with no deliveries.
        public var secureShare: Double? { delivered == 0 ? nil : Double(secure) / Double(delivered) }

        mutating func add(_ e: AuditEvent, _ a: AttemptEvent, outcome: String) {
            let method = a.method?.method ?? "-"
            outcomes[outcome, default: 0] += 1
            methods[method, default: [:]][outcome, default: 0] += 1
            guard case .delivered = e else { return }
            delivered += 1
            if AuditSummary.isSecure(a) { secure += 1 }
            if a.relayIP != nil { tlsVersions[a.tls?.version ?? "none", default: 0] += 1 }
        }
    }

    /// The event names counted: the outcomes, and attempts that ended in one (held, quarantined …).
    public static let countedEvents = ["delivered", "deferred", "bounced", "delivery_attempt"]

    public var groups: [Tally]
    public var total: Tally

    /// Counts `records` (any order). Deferred counts every temporary failure, so a recipient retried
    /// three times counts three; a `delivery_attempt` counts only when it states an outcome other than
    /// deferred (a rung that fell short and moved on, in the same pass, is not an outcome).
    public init(records: [AuditRecord], by grouping: Grouping?) {
        var total = Tally(key: "total")
        var groups: [String: Tally] = [:]
        for r in records {
            guard let a = r.event.attempt, let outcome = r.event.outcome else { continue }
            if case .deliveryAttempt = r.event, outcome == .deferred || outcome == .delivered { continue }
            total.add(r.event, a, outcome: outcome.rawValue)
            if let grouping {
                let key = Self.key(r, a, grouping)
                groups[key, default: Tally(key: key)].add(r.event, a, outcome: outcome.rawValue)
            }
        }
        self.total = total
        self.groups = groups.values.sorted { $0.key < $1.key }
    }

    static func isSecure(_ a: AttemptEvent) -> Bool {
        if a.method?.encryption != nil || a.method?.method == "portal" { return true }
        if case .verified = a.tls?.verification { return true }
        return false
    }

    private static func key(_ r: AuditRecord, _ a: AttemptEvent, _ grouping: Grouping) -> String {
        switch grouping {
        case .day: return String(AuditTime.iso8601(r.time).prefix(10))
        case .domain: return a.recipient.auditDomainKey
        case .method: return a.method?.method ?? "-"
        }
    }
}
