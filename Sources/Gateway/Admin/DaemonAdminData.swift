// DaemonAdminData: the admin API's answers in the daemon: audit queries through AuditFacade (the CLI's
// own code and errors), the queue from the daemon's spool, and /metrics from its own registry with
// the gauges (queue, audit backlog) set at each scrape. Blocking reads run on the daemon's pool.

import Audit
import Delivery
import Foundation
import MailCore
import NIOPosix
import Prometheus
import Queue

struct DaemonAdminData: AdminAPIData {
    let config: GatewayConfig
    let spool: Spool
    let manager: QueueManager
    let outbox: AuditOutbox
    let audit: any AuditRecorder
    let pool: NIOThreadPool
    let registry: PrometheusCollectorRegistry
    let metrics: GatewayMetrics
    let clock: any WallClock

    func auditRecords(_ filters: AuditFilters) async throws -> String {
        let lines = try await pool.runIfActive { [config] in try AuditFacade(config: config).query(filters, format: .json) }
        return Self.array(ofLines: lines)
    }

    func auditMessage(_ id: String) async throws -> String {
        let lines = try await pool.runIfActive { [config] in try AuditFacade(config: config).message(id, json: true) }
        return Self.array(ofLines: lines)
    }

    func auditSummary(since: String, until: String?, by: String?) async throws -> String {
        try await pool.runIfActive { [config] in
            try AuditFacade(config: config).summary(since: since, until: until, by: by, json: true)
        }
    }

    func queueStatus() async throws -> String {
        let now = clock.now()
        return try await pool.runIfActive { [spool] in
            let (totals, entries) = try QueueStatusReport.read(spool, now: now, entries: true)
            return QueueStatusReport.json(totals, entries: entries, now: now)
        }
    }

    func queueTrace(_ id: QueueID) async throws -> String? {
        try await pool.runIfActive { [spool] in
            guard let env = try? spool.envelope(id), let states = try? spool.states(id) else { return nil }
            return QueueStatusReport.traceJSON(envelope: env, states: states)
        }
    }

    func flushQueue(actor: String) async throws -> String {
        manager.flush()
        try await pool.runIfActive { [audit] in try audit.record(.adminAction(AdminEvent(actor: actor, action: .flush))) }
        return QueueReport.json(["result": "queue flush started"])
    }

    func metricsText() async -> String {
        let now = clock.now()
        if let totals = try? await pool.runIfActive({ [spool] in try QueueStatusReport.read(spool, now: now, entries: false).0 }) {
            metrics.queue(messages: totals.messages, recipients: totals.recipients,
                          oldestAge: totals.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        }
        metrics.auditOutbox(records: outbox.waiting)
        return MetricsExposition.render(registry)
    }

    /// JSON lines (the CLI's `--json`) as one JSON array.
    static func array(ofLines text: String) -> String {
        "[" + text.split(separator: "\n").joined(separator: ",") + "]"
    }
}
