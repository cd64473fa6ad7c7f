// QueueManager+Bounce: turns bounced recipients into an RFC 3464 notice from <> to the sender (built by
// MIME.LocalMail), committed to the spool like any other message. Null-sender mail is never bounced (double bounce).

import Foundation
import MailCore
import MIME
import Queue

extension QueueManager {
    func sendBounces(envelope: Envelope, reports: [AttemptReport], states: [RecipientState]?, originalMessage: [UInt8],
                     now: Date) async {
        let bounced = reports.flatMap { r in r.results.filter { $0.outcome == .bounced }.map { (result: $0, relayHost: r.relayHost) } }
        guard !bounced.isEmpty else { return }
        guard let sender = envelope.sender else {
            for r in bounced {
                logger.warning("\(envelope.queueID): to=<\(r.result.recipient.address)>: double bounce (null sender), notice dropped")
            }
            return
        }
        let wanted = bounced.filter { $0.result.recipient.wants(.failure) }
        guard !wanted.isEmpty else { return }
        let dsnReport = BounceReport.make(envelope: envelope, results: wanted, hostname: settings.hostname, now: now)
        let notice = LocalMail(hostname: settings.hostname, node: settings.node)
            .bounce(report: dsnReport, to: sender, originalMessage: originalMessage, now: now)
        let bounceEnvelope = notice.envelope
        do {
            try await pool.runIfActive { [spool] in try spool.commit(envelope: bounceEnvelope, message: notice.bytes) }
            logger.info("\(envelope.queueID): sender non-delivery notification: \(bounceEnvelope.queueID)")
            kick(bounceEnvelope.queueID)
        } catch {
            logger.error("\(envelope.queueID): cannot queue the non-delivery notification: \(error)")
        }
    }
}

/// The DSN's facts from this attempt's bounced results (LocalMail.bounce renders them).
enum BounceReport {
    static func make(envelope: Envelope, results: [(result: RecipientResult, relayHost: String)], hostname: String,
                       now: Date) -> DeliveryStatusReport {
        let recipients = results.map { pair -> DSNRecipientReport in
            let (r, relayHost) = pair
            return DSNRecipientReport(finalRecipient: r.recipient.address,
                               originalRecipient: r.recipient.originalRecipient,
                               action: .failed, status: r.status,
                               remoteMTA: r.reply == nil ? nil : relayHost,
                               diagnostic: r.text, lastAttempt: now)
        }
        return DeliveryStatusReport(reportingMTA: hostname, queueID: envelope.queueID, arrivalDate: envelope.arrival,
                                    envelopeID: envelope.envelopeID, recipients: recipients)
    }
}
