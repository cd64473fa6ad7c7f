// GatewayMetrics: every metric the gateway exposes (docs/operations.md), made from an injected
// swift-metrics `MetricsFactory` (the daemon passes a PrometheusMetricsFactory over its own
// registry; nothing is bootstrapped globally). Names start `sealgate_`; counters end `_total`.
// Labels are bounded: method, rule, PHI type, TLS version, trust source, listener; never an address.

import Audit
import Metrics
import MailCore

public struct GatewayMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) { self.factory = factory }

    /// The HELP text of each metric, added to the exposition by `MetricsExposition`.
    public static let help: [String: String] = [
        "sealgate_accepted_total": "Messages accepted (committed to the queue, 250 sent).",
        "sealgate_delivered_total": "Recipients delivered, by method (tls, smime, pgp, portal).",
        "sealgate_deferred_total": "Delivery attempts deferred (recipient stays queued).",
        "sealgate_bounced_total": "Recipients bounced (permanent failure or expired).",
        "sealgate_rejected_total": "Recipients rejected at DATA by a policy rule, by rule name.",
        "sealgate_deliveries_tls_total": "Delivered recipients by the TLS version and trust source of the hop (none: plaintext).",
        "sealgate_phi_findings_total": "PHI findings in inspected messages, by type (types only, never samples).",
        "sealgate_portal_notices_total": "Portal pickup notices sent to recipients.",
        "sealgate_portal_pickups_total": "Portal messages opened (each view) by their recipient.",
        "sealgate_dns_lookup_failures_total": "DNS lookups that failed (timeouts, SERVFAIL, bogus), by record type.",
        "sealgate_mta_sts_failures_total": "MTA-STS policy fetches that failed.",
        "sealgate_queue_messages": "Messages in the queue with at least one recipient not finished.",
        "sealgate_queue_recipients": "Recipients in the queue not finished (pending, deferred or held).",
        "sealgate_queue_oldest_age_seconds": "Age of the oldest message in the queue, 0 when it is empty.",
        "sealgate_audit_outbox_records": "Audit records waiting in the local outbox for the store (backlog).",
        "sealgate_certificate_not_after_seconds": "Expiry (notAfter, unix seconds) of each listener's certificate.",
        "sealgate_webhook_deliveries_total": "Webhook delivery attempts, by result (ok: 2xx, failed: retried later, gave_up).",
        "sealgate_webhook_backlog": "Webhook events waiting in the outbox over all endpoints.",
    ]

    // Counters.
    public func accepted() { counter("sealgate_accepted_total").increment() }
    public func delivered(method: String) { counter("sealgate_delivered_total", [("method", method)]).increment() }
    public func deferred() { counter("sealgate_deferred_total").increment() }
    public func bounced() { counter("sealgate_bounced_total").increment() }
    public func rejected(rule: String) { counter("sealgate_rejected_total", [("rule", rule)]).increment() }
    public func deliveredTLS(version: String, trust: String) {
        counter("sealgate_deliveries_tls_total", [("version", version), ("trust", trust)]).increment()
    }
    public func phiFinding(type: PHIType, count: Int = 1) {
        counter("sealgate_phi_findings_total", [("type", type.rawValue)]).increment(by: count)
    }
    public func portalNotice() { counter("sealgate_portal_notices_total").increment() }
    public func portalPickup() { counter("sealgate_portal_pickups_total").increment() }
    public func dnsFailure(type: String) { counter("sealgate_dns_lookup_failures_total", [("type", type)]).increment() }
    public func mtaSTSFailure() { counter("sealgate_mta_sts_failures_total").increment() }
    public func webhookDelivery(result: String) { counter("sealgate_webhook_deliveries_total", [("result", result)]).increment() }

    // Gauges (set when /metrics is scraped, or once at start for certificates).
    public func queue(messages: Int, recipients: Int, oldestAge: Double) {
        Gauge(label: "sealgate_queue_messages", factory: factory).record(messages)
        Gauge(label: "sealgate_queue_recipients", factory: factory).record(recipients)
        Gauge(label: "sealgate_queue_oldest_age_seconds", factory: factory).record(oldestAge)
    }
    public func webhookBacklog(_ events: Int) { Gauge(label: "sealgate_webhook_backlog", factory: factory).record(events) }
    public func auditOutbox(records: Int) { Gauge(label: "sealgate_audit_outbox_records", factory: factory).record(records) }
    public func certificateNotAfter(listener: String, unixSeconds: Double) {
        Gauge(label: "sealgate_certificate_not_after_seconds", dimensions: [("listener", listener)], factory: factory)
            .record(unixSeconds)
    }

    /// Makes every unlabelled counter exist at 0, so a dashboard and `promtool` see them before the first event.
    public func registerAll() {
        for name in ["sealgate_accepted_total", "sealgate_deferred_total", "sealgate_bounced_total",
                     "sealgate_portal_notices_total", "sealgate_portal_pickups_total", "sealgate_mta_sts_failures_total"] {
            _ = counter(name)
        }
        auditOutbox(records: 0)
        for result in ["ok", "failed", "gave_up"] { _ = counter("sealgate_webhook_deliveries_total", [("result", result)]) }
        webhookBacklog(0)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        Counter(label: label, dimensions: dimensions, factory: factory)
    }

    /// Counts what one audit event says (the daemon's writers all record through the outbox).
    public func observe(_ event: AuditEvent) {
        switch event {
        case .accepted: accepted()
        case .delivered(let e):
            delivered(method: e.method?.method ?? "tls")
            deliveredTLS(version: e.tls?.version ?? "none", trust: Self.trust(e.tls))
        case .deferred: deferred()
        case .bounced: bounced()
        case .portal(let e):
            switch e.kind {
            case .notice: portalNotice()
            case .view: portalPickup()
            default: break
            }
        case .deliveryAttempt, .adminAction, .chainHeads, .checkpoint: break
        }
    }

    static func trust(_ tls: TLSFacts?) -> String {
        guard let tls else { return "none" }
        if case .verified(let source) = tls.verification { return source.rawValue }
        return "none"
    }
}

/// The audit recorder the daemon's writers get: records through `base` (the outbox), then counts.
struct MetricsAuditRecorder: AuditRecorder {
    let base: any AuditRecorder
    let metrics: GatewayMetrics

    func record(_ event: AuditEvent) throws {
        try base.record(event)
        metrics.observe(event)
    }
}
