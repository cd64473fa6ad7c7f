// QueueManager+Deliver: one message's delivery attempt: send (smarthost, or MX per group), merge the
// deciding results into the spool durably, audit and log every attempt, send bounces, remove when all are final.

import Audit
import Foundation
import MailCore
import Queue

extension QueueManager {
    /// Returns the earliest time a recipient of this message should be retried, if any.
    func deliver(_ id: QueueID, envelope: Envelope, due: [Int]) async -> Date? {
        let message: [UInt8]
        do {
            if let cached = spool.cachedMessage(id) {
                message = cached
            } else {
                message = try await pool.runIfActive { [spool] in try spool.message(id) }
            }
        } catch {
            logger.error("\(id): cannot read the message: \(error)")
            return clock.now().addingTimeInterval(settings.retry.delay(after: 1))
        }
        var reports = await attempt(envelope: envelope, due: due, message: message)
        let now = clock.now()
        for i in reports.indices where !reports[i].superseded {
            reports[i].results = reports[i].results.map { RecipientMerge.expire($0, envelope: envelope, retry: settings.retry, now: now) }
        }
        let deciding = reports.filter { !$0.superseded }
        let settled = await record(id, reports: deciding, now: now)
        let states = settled?.states
        await recordAudit(id, envelope: envelope, reports: reports, states: states, now: now)
        // Results not recorded: the recipients are tried again, so no DSN may claim they failed.
        guard settled != nil else { return clock.now().addingTimeInterval(settings.retry.delay(after: 1)) }
        await sendBounces(envelope: envelope, reports: deciding, states: states, originalMessage: message, now: now)
        if settled?.removed == true {
            _ = takeDeleteRequest(id)
            logger.info("\(id): removed")
            return nil
        }
        return await removeIfDone(id, states: states)
    }

    private func attempt(envelope: Envelope, due: [Int], message: [UInt8]) async -> [AttemptReport] {
        let (rejected, rest) = PolicyRejections.split(envelope: envelope, due: due)
        var reports: [AttemptReport] = []
        if !rejected.isEmpty {
            reports.append(PolicyRejections.report(envelope: envelope, rejected: rejected, hostname: settings.hostname))
        }
        guard !rest.isEmpty else { return reports }
        let (mx, client) = (self.mx, self.client)
        let pass = LadderPass(envelope: envelope, message: message, services: methods, pool: pool, clock: clock, logger: logger,
                              maxParallelCopies: settings.maxPerDestination, send: { due, bytes, transport in
            if let mx { return await mx.deliver(envelope: envelope, due: due, message: bytes, transport: transport) }
            return await SmarthostDelivery(client: client).deliver(envelope: envelope, due: due, message: bytes, transport: transport)
        })
        return reports + (await pass.run(due: rest))
    }

    /// Writes the results into the recipient states under the spool's entry lock. When every
    /// recipient is now delivered the entry is removed instead (no state rewrite: two fsyncs saved).
    private func record(_ id: QueueID, reports: [AttemptReport], now: Date) async -> (states: [RecipientState], removed: Bool)? {
        let retry = settings.retry
        let results = reports.flatMap(\.results)
        do {
            return try await pool.runIfActive { [spool] in
                try spool.settle(id, removeIf: { $0.allSatisfy { $0.status == .delivered } }) { states in
                    for result in results where result.index < states.count {
                        states[result.index] = RecipientMerge.apply(result, to: states[result.index], retry: retry, now: now)
                    }
                }
            }
        } catch {
            logger.error("\(id): cannot record delivery results: \(error)")
            return nil
        }
    }

    private func recordAudit(_ id: QueueID, envelope: Envelope, reports: [AttemptReport], states: [RecipientState]?, now: Date) async {
        let delay = now.timeIntervalSince(envelope.arrival)
        var events: [AuditEvent] = []
        for report in reports {
            for result in report.results {
                let attempt = (states.map { $0[result.index].attempts }) ?? 1
                events += AttemptAudit.events(id, result: result, report: report, attempt: attempt, delay: delay)
                let line = DeliveryLogLine.render(queueID: id, result: result, report: report, delay: delay)
                let next = report.movedOnByLadder ? " (trying the next method)" : " (trying the next host)"
                logger.info("\(line)\(report.superseded ? next : "")")
            }
        }
        // Each event on its own: one that cannot be kept (neither store nor outbox) does not drop the rest.
        let failures: [String]
        do {
            failures = try await pool.runIfActive { [audit, events] in
                events.compactMap { e -> String? in
                    do { try audit.record(e); return nil } catch { return "\(e.name) \(e.recipient.map { "\($0)" } ?? "-"): \(error)" }
                }
            }
        } catch {
            failures = events.map { "\($0.name) \($0.recipient.map { "\($0)" } ?? "-"): \(error)" }
        }
        for failure in failures { logger.error("\(id): audit record lost: \(failure)") }
    }

    /// Removes the entry when every recipient is final (or a delete came in during delivery).
    /// Returns the earliest retry time otherwise.
    private func removeIfDone(_ id: QueueID, states: [RecipientState]?) async -> Date? {
        let deleteNow = takeDeleteRequest(id)
        guard let states else { return clock.now().addingTimeInterval(settings.retry.delay(after: 1)) }
        if deleteNow || states.allSatisfy(\.isFinal) {
            do {
                try await pool.runIfActive { [spool] in try spool.remove(id) }
                logger.info("\(id): removed")
            } catch {
                logger.error("\(id): cannot remove: \(error)")
            }
            return nil
        }
        return states.compactMap { $0.status == .deferred ? $0.nextAttempt : nil }.min()
    }
}

/// The audit events for one recipient in one attempt: the TLS fallback, then the outcome (or a
/// `delivery_attempt` when a later host decided). The plan notes (DANE / MTA-STS) go into `reason`.
enum AttemptAudit {
    static func events(_ id: QueueID, result: RecipientResult, report: AttemptReport, attempt: Int,
                       delay: TimeInterval) -> [AuditEvent] {
        var events: [AuditEvent] = []
        let tlsReport = TLSReportClassifier.facts(report)
        if let why = report.tlsFallbackReason {
            var fallback = AttemptEvent(
                queueID: id, recipient: result.recipient.address, attempt: attempt, relayHost: report.relayHost,
                relayIP: report.relayIP, relayPort: report.relayPort, tls: nil, status: EnhancedStatus(4, 7, 5),
                outcome: nil, reason: "TLS handshake failed (\(why)); retried in plaintext", delay: delay)
            fallback.tlsReport = tlsReport
            events.append(.deliveryAttempt(fallback))
        }
        let reason = ([result.reason].compactMap { $0 } + report.notes).joined(separator: "; ")
        var event = AttemptEvent(queueID: id, recipient: result.recipient.address, attempt: attempt,
                                 relayHost: report.relayHost, relayIP: report.relayIP, relayPort: report.relayPort,
                                 tls: report.tls, reply: result.reply?.description, status: result.status,
                                 outcome: result.outcome, reason: reason.isEmpty ? nil : reason, delay: delay,
                                 method: result.choice.map { MethodRecord($0, encryption: result.encryption) })
        event.tlsReport = tlsReport
        if report.superseded {
            events.append(.deliveryAttempt(event))
            return events
        }
        switch result.outcome {
        case .delivered: events.append(.delivered(event))
        case .bounced: events.append(.bounced(event))
        default: events.append(.deferred(event))
        }
        return events
    }
}

/// How one attempt's result changes a recipient's state.
enum RecipientMerge {
    /// A deferral past the queue lifetime becomes a bounce (RFC 5321 §4.5.4.1).
    static func expire(_ result: RecipientResult, envelope: Envelope, retry: RetrySchedule, now: Date) -> RecipientResult {
        guard result.outcome == .deferred, retry.expired(arrival: envelope.arrival, now: now) else { return result }
        var r = result
        r.outcome = .bounced
        r.reason = "message expired after \(lifetimeText(retry.maxLifetime)) in the queue; last: \(result.text)"
        return r
    }

    /// "5 days", "1 day", "6 hours", "20 seconds": the configured lifetime in its largest whole unit.
    static func lifetimeText(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        for (unit, name) in [(86_400, "day"), (3_600, "hour"), (60, "minute")] where s >= unit && s % unit == 0 {
            return "\(s / unit) \(name)\(s / unit == 1 ? "" : "s")"
        }
        return "\(s) second\(s == 1 ? "" : "s")"
    }

    static func apply(_ result: RecipientResult, to old: RecipientState, retry: RetrySchedule, now: Date) -> RecipientState {
        var s = old
        s.attempts += 1
        s.lastAttempt = now
        s.lastReply = result.text
        s.lastStatus = result.status
        s.lastMethod = result.choice.map { choice in
            choice.line + (result.encryption.map { "; \($0.summary)" } ?? "")
        }
        let status: RecipientState.Status
        switch result.outcome {
        case .delivered: status = .delivered; s.nextAttempt = nil
        case .bounced: status = .bounced; s.nextAttempt = nil
        default: status = .deferred; s.nextAttempt = retry.nextAttempt(after: s.attempts, from: now)
        }
        if old.status == .held && status == .deferred {
            // Held while in flight: stays held, and goes back to deferred on release.
            s.statusBeforeHold = .deferred
        } else {
            s.status = status
            s.statusBeforeHold = nil
        }
        return s
    }
}
