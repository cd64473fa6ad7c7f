// QueueManager+Deliver: one message's delivery attempt: send to the smarthost, merge the results
// into the spool durably, audit and log every recipient, send bounces, remove when all are final.

import Audit
import Foundation
import MailCore
import Queue

extension QueueManager {
    /// Returns the earliest time a recipient of this message should be retried, if any.
    func deliver(_ id: QueueID, envelope: Envelope, due: [Int]) async -> Date? {
        let message: [UInt8]
        do {
            message = try await BlockingIO.run { [spool] in try spool.message(id) }
        } catch {
            logger.error("\(id): cannot read the message: \(error)")
            return Date().addingTimeInterval(settings.retry.delay(after: 1))
        }
        let targets = due.filter { $0 < envelope.recipients.count }.map { (index: $0, spec: envelope.recipients[$0]) }
        var report = await client.deliver(envelope: envelope, recipients: targets, message: message)
        let now = Date()
        report.results = report.results.map { RecipientMerge.expire($0, envelope: envelope, retry: settings.retry, now: now) }
        let states = await record(id, report: report, now: now)
        await recordAudit(id, envelope: envelope, report: report, states: states, now: now)
        await sendBounces(envelope: envelope, report: report, states: states, originalMessage: message, now: now)
        return await removeIfDone(id, states: states)
    }

    /// Writes the results into the recipient states under the spool's entry lock.
    private func record(_ id: QueueID, report: AttemptReport, now: Date) async -> [RecipientState]? {
        let retry = settings.retry
        do {
            return try await BlockingIO.run { [spool] in
                try spool.modifyStates(id) { states in
                    for result in report.results where result.index < states.count {
                        states[result.index] = RecipientMerge.apply(result, to: states[result.index], retry: retry, now: now)
                    }
                }
            }
        } catch {
            logger.error("\(id): cannot record delivery results: \(error)")
            return nil
        }
    }

    private func recordAudit(_ id: QueueID, envelope: Envelope, report: AttemptReport, states: [RecipientState]?, now: Date) async {
        let delay = now.timeIntervalSince(envelope.arrival)
        var events: [AuditEvent] = []
        for result in report.results {
            let attempt = (states.map { $0[result.index].attempts }) ?? 1
            if let why = report.tlsFallbackReason {
                events.append(.deliveryAttempt(AttemptEvent(
                    queueID: id, recipient: result.recipient.address, attempt: attempt, relayHost: report.relayHost,
                    relayIP: report.relayIP, relayPort: report.relayPort, tls: nil, status: EnhancedStatus(4, 7, 5),
                    outcome: nil, reason: "TLS handshake failed (\(why)); retried in plaintext", delay: delay)))
            }
            let event = AttemptEvent(queueID: id, recipient: result.recipient.address, attempt: attempt,
                                     relayHost: report.relayHost, relayIP: report.relayIP, relayPort: report.relayPort,
                                     tls: report.tls, reply: result.reply?.description, status: result.status,
                                     outcome: result.outcome, reason: result.reason, delay: delay)
            switch result.outcome {
            case .delivered: events.append(.delivered(event))
            case .bounced: events.append(.bounced(event))
            default: events.append(.deferred(event))
            }
            logger.info("\(DeliveryLogLine.render(queueID: id, result: result, report: report, delay: delay))")
        }
        do {
            try await BlockingIO.run { [audit] in for e in events { _ = try audit.append(e) } }
        } catch {
            logger.error("\(id): cannot append to the audit log: \(error)")
        }
    }

    /// Removes the entry when every recipient is final (or a delete came in during delivery).
    /// Returns the earliest retry time otherwise.
    private func removeIfDone(_ id: QueueID, states: [RecipientState]?) async -> Date? {
        let deleteNow = takeDeleteRequest(id)
        guard let states else { return Date().addingTimeInterval(settings.retry.delay(after: 1)) }
        if deleteNow || states.allSatisfy(\.isFinal) {
            do {
                try await BlockingIO.run { [spool] in try spool.remove(id) }
                logger.info("\(id): removed")
            } catch {
                logger.error("\(id): cannot remove: \(error)")
            }
            return nil
        }
        return states.compactMap { $0.status == .deferred ? $0.nextAttempt : nil }.min()
    }
}

/// How one attempt's result changes a recipient's state.
enum RecipientMerge {
    /// A deferral past the queue lifetime becomes a bounce (RFC 5321 §4.5.4.1).
    static func expire(_ result: RecipientResult, envelope: Envelope, retry: RetrySchedule, now: Date) -> RecipientResult {
        guard result.outcome == .deferred, retry.expired(arrival: envelope.arrival, now: now) else { return result }
        var r = result
        r.outcome = .bounced
        r.reason = "message expired after \(Int(retry.maxLifetime / 86400)) days in the queue; last: \(result.text)"
        return r
    }

    static func apply(_ result: RecipientResult, to old: RecipientState, retry: RetrySchedule, now: Date) -> RecipientState {
        var s = old
        s.attempts += 1
        s.lastAttempt = now
        s.lastReply = result.text
        s.lastStatus = result.status
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
