// WebhookDispatcher: the background sender of one endpoint's outbox: oldest event first (in order
// per endpoint), signed, 2xx = done, else retried after the backoff, given up after 3 days (`webhook_gave_up`).

import Foundation
import MailCore

public final class WebhookDispatcher: Sendable {
    private let endpoint: WebhookEndpoint
    private let outbox: WebhookOutbox
    private let transport: any WebhookTransport
    private let clock: WallClock
    private let observer: any WebhookObserver
    private let log: @Sendable (String) -> Void
    /// How often an idle dispatcher looks for new events (the recorder writes them; no wake-up is needed).
    private let idlePoll: TimeInterval

    public init(endpoint: WebhookEndpoint, outbox: WebhookOutbox, transport: any WebhookTransport, clock: WallClock,
                observer: any WebhookObserver, idlePoll: TimeInterval = 0.5, log: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint; self.outbox = outbox; self.transport = transport; self.clock = clock
        self.observer = observer; self.idlePoll = idlePoll; self.log = log
    }

    /// Sends until the task is cancelled: events back to back while they succeed, else after the wait.
    public func run() async {
        while !Task.isCancelled {
            let now = clock.now()
            let wait: Date
            do {
                guard let next = try await step(now: now) else { continue }
                wait = next
            } catch {
                log("webhook outbox \(outbox.directory): \(error)")
                wait = now.addingTimeInterval(5)
            }
            // New events are noticed within the idle poll; a due retry at its time.
            do { try await clock.sleep(until: min(wait, now.addingTimeInterval(idlePoll))) } catch { return }
        }
    }

    /// Tries the head event if it is due. Returns when to look again: nil after an event was done (at once).
    @discardableResult
    public func step(now: Date) async throws -> Date? {
        guard let pending = try outbox.head() else { return now.addingTimeInterval(idlePoll) }
        if pending.notBefore > now { return pending.notBefore }
        let body = Array(pending.body.utf8)
        let timestamp = Int(now.timeIntervalSince1970)
        let headers = [(WebhookSignature.headerName, WebhookSignature.header(secret: endpoint.secret, timestamp: timestamp, body: body)),
                       (WebhookSignature.eventIDHeaderName, pending.eventID)]
        var failure: String
        do {
            let status = try await transport.post(body, headers: headers)
            if (200..<300).contains(status) {
                try outbox.remove(pending)
                observer.attempt(.ok)
                return nil
            }
            failure = "HTTP \(status)"
        } catch {
            failure = "\(error)"
        }
        let after = clock.now()
        if endpoint.backoff.givesUp(created: pending.created, now: after) {
            try outbox.remove(pending)
            observer.attempt(.gaveUp)
            log("webhook_gave_up: event \(pending.eventID) for \(endpoint.url) after \(pending.failures + 1) attempts; last: \(failure)")
            return nil
        }
        let retry = after.addingTimeInterval(endpoint.backoff.delay(afterFailures: pending.failures + 1))
        try outbox.recordFailure(pending, notBefore: retry)
        observer.attempt(.failed)
        log("webhook_failed: event \(pending.eventID) for \(endpoint.url) (attempt \(pending.failures + 1)): \(failure); "
            + "next at \(WebhookEventMapper.timestamp(retry))")
        return retry
    }
}
