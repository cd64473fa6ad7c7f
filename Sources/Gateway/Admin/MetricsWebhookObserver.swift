// MetricsWebhookObserver: Webhooks' observer over GatewayMetrics: each attempt's result counted in
// sealgate_webhook_deliveries_total, the outbox backlog in the sealgate_webhook_backlog gauge.

import Webhooks

struct MetricsWebhookObserver: WebhookObserver {
    let metrics: GatewayMetrics

    func attempt(_ result: WebhookAttemptResult) { metrics.webhookDelivery(result: result.rawValue) }
    func backlog(_ count: Int) { metrics.webhookBacklog(count) }
}
