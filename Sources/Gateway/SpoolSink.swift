// SpoolSink: where the SMTP server hands each accepted message. It commits the message to the
// spool on a thread pool (fsync is blocking), records the `accepted` audit event, and wakes delivery.

import Audit
import Foundation
import Delivery
import Logging
import MailCore
import MIME
import NIOPosix
import Queue
import SafeIO
import SMTPServer

final class SpoolSink: MessageSink, @unchecked Sendable {
    private let spool: Spool
    private let audit: AuditRecorder
    private let pool: NIOThreadPool
    private let logger: Logger
    private let onCommitted: @Sendable (QueueID) -> Void
    private let hostname: String
    private let node: UInt16
    /// Dates the policy notices this sink queues.
    private let clock: WallClock
    /// `audit.when_unwritable: refuse`: a message whose `accepted` record nothing could keep is taken
    /// back out of the spool and answered 451 4.3.0.
    private let refuseUnrecorded: Bool

    init(spool: Spool, audit: AuditRecorder, pool: NIOThreadPool, logger: Logger, hostname: String, node: UInt16,
         clock: WallClock, refuseUnrecorded: Bool = true, onCommitted: @escaping @Sendable (QueueID) -> Void) {
        self.spool = spool; self.audit = audit; self.pool = pool; self.logger = logger; self.onCommitted = onCommitted
        self.hostname = hostname; self.node = node; self.clock = clock; self.refuseUnrecorded = refuseUnrecorded
    }

    func accept(envelope: Envelope, message: [UInt8]) async throws {
        let spool = self.spool, audit = self.audit, logger = self.logger, refuse = refuseUnrecorded
        try await pool.runIfActive {
            do {
                try spool.commit(envelope: envelope, message: message, initialStates: SpoolSink.initialStates(envelope))
            } catch {
                throw SpoolSink.commitFailure(error, queueID: envelope.queueID, logger: logger)
            }
            do {
                // The recorder keeps the record in its outbox when the store fails.
                try audit.record(.accepted(AcceptedEvent(envelope: envelope, messageID: SpoolSink.messageID(of: message))))
            } catch {
                try SpoolSink.unrecorded(envelope.queueID, error, refuse: refuse, spool: spool, logger: logger)
            }
        }
        onCommitted(envelope.queueID)
        await queueNotice(for: envelope)
    }

    /// Mail the gateway writes itself (the portal's notices, codes, receipts): committed durably with no
    /// policy decisions (TLS at the destination's configured level), then delivery is woken.
    func queueLocal(envelope: Envelope, message: [UInt8]) async throws {
        let spool = self.spool
        try await pool.runIfActive { try spool.commit(envelope: envelope, message: message) }
        onCommitted(envelope.queueID)
    }

    /// `notify_sender`: a content-free notice to the sender, queued like any other message. A
    /// failure here is logged; the original message is already safely queued.
    private func queueNotice(for envelope: Envelope) async {
        guard let local = LocalMail(hostname: hostname, node: node).policyNotice(for: envelope, now: clock.now()) else { return }
        let spool = self.spool, notice = local.envelope
        do {
            try await pool.runIfActive { try spool.commit(envelope: notice, message: local.bytes) }
            logger.info("\(envelope.queueID): policy notice \(notice.queueID) queued for the sender")
            onCommitted(notice.queueID)
        } catch {
            logger.error("\(envelope.queueID): cannot queue the policy notice: \(error)")
        }
    }

    /// The reply to a commit that failed: 452 4.3.1 when the spool's disk (or quota) is full, as
    /// Postfix answers when its queue has no room; else 451 4.3.0. The client keeps the message.
    static func commitFailure(_ error: Error, queueID: QueueID, logger: Logger) -> DeliveryError {
        let code: Int32?
        switch error {
        case SpoolError.io(_, let e): code = e
        case let e as SafeIOError: code = e.errno
        default: code = nil
        }
        if code == ENOSPC || code == EDQUOT {
            logger.error("\(queueID): spool full: \(error); answered 452 4.3.1")
            return DeliveryError(EnhancedStatus(4, 3, 1), "Insufficient system storage",
                                 reply: SMTPReply(452, EnhancedStatus(4, 3, 1), "Insufficient system storage"))
        }
        logger.error("\(queueID): spool commit failed: \(error)")
        return DeliveryError(EnhancedStatus(4, 3, 0), "Queue file write error")
    }

    /// Neither the audit store nor its outbox kept the `accepted` record. Refusing, the message goes
    /// back out of the spool before delivery hears of it (451 4.3.0: the client keeps it and retries);
    /// if even that fails, or when accepting, it stays queued and the lost record is an error line.
    static func unrecorded(_ id: QueueID, _ error: Error, refuse: Bool, spool: Spool, logger: Logger) throws {
        guard refuse else {
            logger.error("\(id): audit record lost: \(error) (audit.when_unwritable: accept)")
            return
        }
        do {
            try spool.remove(id)
        } catch let removal {
            logger.error("\(id): audit record lost: \(error); the message stays queued (cannot take it back: \(removal))")
            return
        }
        logger.error("\(id): audit log unwritable: \(error); answered 451 4.3.0 (audit.when_unwritable: refuse)")
        throw DeliveryError(EnhancedStatus(4, 3, 0), "Audit log unavailable, try again later")
    }

    /// The Message-ID header for the audit record (an identifier, like the queue ID): `<…>` as
    /// written, at most 255 characters, printable ASCII; nil when absent or not of that form.
    static func messageID(of message: [UInt8]) -> String? {
        guard let id = MessageHeaders(headerOf: message)["Message-ID"]?.trimmingCharacters(in: .whitespaces),
              id.count > 2, id.count <= 255, id.hasPrefix("<"), id.hasSuffix(">"),
              id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else { return nil }
        return id
    }

    /// Policy `hold` and `quarantine`: those recipients start held (committed that way, so no
    /// delivery can start first) until an admin releases them with `sealgate queue release`.
    /// nil when every recipient starts pending.
    static func initialStates(_ envelope: Envelope) -> [RecipientState]? {
        guard let decisions = envelope.decisions, decisions.count == envelope.recipients.count else { return nil }
        var states = decisions.map { _ in RecipientState() }
        var any = false
        for (i, d) in decisions.enumerated() {
            let why: String
            switch d.action {
            case .hold: why = "held by policy rule \(d.trace.rule)"
            case .quarantine: why = "quarantined by policy rule \(d.trace.rule)"
            case .deliver, .reject: continue
            }
            states[i] = RecipientState(status: .held, lastReply: why, statusBeforeHold: .pending)
            any = true
        }
        return any ? states : nil
    }
}
