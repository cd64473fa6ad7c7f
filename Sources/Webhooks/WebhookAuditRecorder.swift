// WebhookAuditRecorder: the audit recorder decorator at the seam every record passes: after the
// audit record is kept, a final outcome is written to each subscribed endpoint's outbox. Never throws for a webhook.

import Audit
import Foundation
import MailCore

public final class WebhookAuditRecorder: AuditRecorder, @unchecked Sendable {
    public struct Queue: Sendable {
        public let endpoint: WebhookEndpoint
        public let outbox: WebhookOutbox
        public init(endpoint: WebhookEndpoint, outbox: WebhookOutbox) { self.endpoint = endpoint; self.outbox = outbox }
    }

    private let base: any AuditRecorder
    private let queues: [Queue]
    private let mapper: WebhookEventMapper
    private let clock: WallClock
    private let log: @Sendable (String) -> Void
    private let onEnqueued: @Sendable () -> Void
    private let lock = NSLock()
    /// Message-ID and sender per queue ID from the accepted records (bounded; lost on restart, the fields are optional).
    private var facts: [String: WebhookEventMapper.MessageFacts] = [:]
    private var factsOrder: [String] = []
    static let factsLimit = 50_000

    public init(base: any AuditRecorder, queues: [Queue], mapper: WebhookEventMapper, clock: WallClock,
                log: @escaping @Sendable (String) -> Void, onEnqueued: @escaping @Sendable () -> Void = {}) {
        self.base = base; self.queues = queues; self.mapper = mapper; self.clock = clock; self.log = log
        self.onEnqueued = onEnqueued
    }

    public func record(_ event: AuditEvent) throws {
        try base.record(event)
        if case .accepted(let a) = event {
            remember(a.queueID.description, .init(messageID: a.messageID, sender: a.sender?.description))
            return
        }
        guard let type = WebhookEventMapper.type(of: event) else { return }
        let wanted = queues.filter { $0.endpoint.events.contains(type) }
        guard !wanted.isEmpty else { return }
        let known = event.queueID.flatMap { id in lock.withLock { facts[id.description] } }
        let id = Self.newEventID()
        let created = clock.now()
        guard let payload = mapper.payload(for: event, id: id, created: created, facts: known),
              let body = try? payload.encoded() else { return }
        for queue in wanted {
            do { try queue.outbox.enqueue(eventID: id, body: body, created: created) } catch {
                log("webhook_not_queued: event \(id) (\(type.rawValue)) for \(queue.endpoint.url): \(error)")
            }
        }
        onEnqueued()
    }

    private func remember(_ queueID: String, _ value: WebhookEventMapper.MessageFacts) {
        lock.withLock {
            if facts.updateValue(value, forKey: queueID) == nil { factsOrder.append(queueID) }
            if factsOrder.count > Self.factsLimit {
                let drop = factsOrder.prefix(factsOrder.count / 2)
                drop.forEach { facts[$0] = nil }
                factsOrder.removeFirst(drop.count)
            }
        }
    }

    static func newEventID() -> String {
        "evt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
