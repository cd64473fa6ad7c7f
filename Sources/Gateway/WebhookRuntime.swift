// WebhookRuntime: the daemon's webhooks (config `webhooks:`): the service that sends each endpoint's
// outbox over the daemon's event loop group, and the audit recorder that fills the outboxes.

import Audit
import Logging
import MailCore
import NIOCore
import Webhooks

struct WebhookRuntime {
    let service: WebhookService
    let recorder: any AuditRecorder

    /// Sends every endpoint's events until the task is cancelled.
    func run() async { await service.run() }

    /// nil when no endpoint is configured (then `base` is the recorder the writers get).
    static func make(config: GatewayConfig, base: any AuditRecorder, group: any EventLoopGroup, clock: WallClock,
                     metrics: GatewayMetrics, logger: Logger) throws -> WebhookRuntime? {
        guard !config.webhooks.isEmpty else { return nil }
        let service = try WebhookService(
            endpoints: config.webhooks, directory: config.webhooksPath, clock: clock,
            observer: MetricsWebhookObserver(metrics: metrics),
            makeTransport: { try HTTPWebhookTransport(url: $0.url, caFile: $0.caFile, group: group) },
            log: { line in
                if line.hasPrefix("webhook_gave_up") { logger.error("\(line)") } else { logger.warning("\(line)") }
            })
        let recorder = WebhookAuditRecorder(base: base, queues: service.queues, mapper: WebhookEventMapper(node: config.hostname),
                                            clock: clock, log: { logger.error("\($0)") })
        return WebhookRuntime(service: service, recorder: recorder)
    }
}
