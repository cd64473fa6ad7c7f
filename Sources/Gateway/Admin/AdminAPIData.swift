// AdminAPIData: what the admin API's routes read, as one protocol: the daemon's implementation
// (`DaemonAdminData`) answers through the CLI's own code (AuditFacade, AuditFilters, the spool);
// router tests pass their own. Every answer is JSON text ready to send.

import Audit
import Foundation
import MailCore
import NIOPosix
import Prometheus
import Queue

public protocol AdminAPIData: Sendable {
    /// `GET /api/v1/audit/records`: a JSON array of the records, the CLI's `audit query --json` objects.
    func auditRecords(_ filters: AuditFilters) async throws -> String
    /// `GET /api/v1/audit/messages/{id}`: the message's records (queue ID or Message-ID), a JSON array.
    func auditMessage(_ id: String) async throws -> String
    /// `GET /api/v1/audit/summary`: `audit summary --json`.
    func auditSummary(since: String, until: String?, by: String?) async throws -> String
    /// `GET /api/v1/queue`: counts by status, the oldest message's age, the entries.
    func queueStatus() async throws -> String
    /// `GET /api/v1/queue/{id}/trace`: each recipient's policy decision and trace; nil when not queued.
    func queueTrace(_ id: QueueID) async throws -> String?
    /// `POST /api/v1/queue/flush` (admin): every deferred recipient is retried now; audited.
    func flushQueue(actor: String) async throws -> String
    /// `GET /metrics`: the Prometheus text format.
    func metricsText() async -> String
}

/// Turns a registry's exposition into one `promtool check metrics` accepts: a `# HELP` line before
/// each `# TYPE` (swift-metrics' factory has no help text to give).
public enum MetricsExposition {
    public static func render(_ registry: PrometheusCollectorRegistry) -> String {
        var out = ""
        for line in registry.emitToString().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).split(separator: " ").first.map(String.init) ?? ""
                out += "# HELP \(name) \(GatewayMetrics.help[name] ?? name)\n"
            }
            out += line + "\n"
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}

/// The queue as the API reports it: counts by recipient status, the oldest message's age, entries.
enum QueueStatusReport {
    struct Totals: Sendable {
        var messages = 0
        var recipients = 0
        var oldest: Date?
        var byStatus: [String: Int] = [:]
    }

    /// Reads every message's envelope and states (one at a time; the queue is never held in memory
    /// beyond the entries the status lists). `entries: false` only counts (for the gauges).
    static func read(_ spool: Spool, now: Date, entries: Bool) throws -> (Totals, [[String: Any]]) {
        var totals = Totals()
        var list: [[String: Any]] = []
        for id in try spool.queueIDs() {
            guard let env = try? spool.envelope(id), let states = try? spool.states(id) else { continue }
            let open = states.filter { !$0.isFinal }
            guard !open.isEmpty else { continue }
            totals.messages += 1
            totals.recipients += open.count
            for s in open { totals.byStatus[s.status.rawValue, default: 0] += 1 }
            if totals.oldest.map({ env.arrival < $0 }) ?? true { totals.oldest = env.arrival }
            if entries { list.append(QueueReport.entryObject(envelope: env, states: states)) }
        }
        return (totals, list)
    }

    static func json(_ totals: Totals, entries: [[String: Any]], now: Date) -> String {
        QueueReport.json([
            "messages": totals.messages,
            "recipients": totals.recipients,
            "by_status": totals.byStatus,
            "oldest_age_seconds": totals.oldest.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0,
            "entries": entries,
        ] as [String: Any])
    }

    /// Each recipient's status and policy decision with its trace (rule, finding counts, score).
    static func traceJSON(envelope: Envelope, states: [RecipientState]) -> String {
        var recipients: [[String: Any]] = []
        for (i, (spec, state)) in zip(envelope.recipients, states).enumerated() {
            var entry: [String: Any] = ["address": spec.address.description, "status": state.status.rawValue,
                                        "attempts": state.attempts, "last_reply": state.lastReply ?? NSNull(),
                                        "method": state.lastMethod ?? NSNull()]
            if let decisions = envelope.decisions, i < decisions.count {
                let d = decisions[i]
                entry["decision"] = AuditRendering.policyObject(PolicyVerdictSummary(d))
                entry["trace"] = ["rule": d.trace.rule, "finding_counts": d.trace.findingCounts,
                                  "uninspected_parts": d.trace.uninspectedParts, "score": d.trace.score] as [String: Any]
            } else {
                entry["decision"] = NSNull()
            }
            recipients.append(entry)
        }
        return QueueReport.json([
            "queue_id": envelope.queueID.description,
            "findings": envelope.findings.map { $0.map(AuditRendering.findingObject) } ?? NSNull(),
            "recipients": recipients,
        ] as [String: Any])
    }
}
