// SpoolPortalMailer: the portal's PortalMailer over the spool: notices, codes, receipts and sender
// copies are queued like DSNs; a secure reply is scanned and judged by policy like relayed mail.

import Foundation
import Logging
import MailCore
import Portal
import SMTPServer

struct SpoolPortalMailer: PortalMailer {
    let sink: SpoolSink
    /// The inspector of the live (reloadable) inbound settings: the same scan and policy as SMTP.
    let inbound: LiveInboundSettings
    let hostname: String
    let node: UInt16
    let clock: any WallClock
    let logger: Logger

    func submit(_ mail: PortalOutgoingMail) async throws -> QueueID {
        let envelope = LocalEnvelope.make(queueID: QueueID.generate(node: node), to: mail.recipient, message: mail.message,
                                          hostname: hostname, kind: Self.localKind(mail.kind), now: clock.now(),
                                          sender: mail.envelopeSender)
        guard mail.kind == .reply else {
            try await sink.queueLocal(envelope: envelope, message: mail.message)
            logger.info("\(envelope.queueID): \(mail.kind.rawValue) queued\(regarding(mail))")
            return envelope.queueID
        }
        var queued = InspectedMessage(envelope: envelope, message: mail.message)
        if let inspector = inbound.current.inspector {
            switch await inspector.attachDecisions(to: envelope, message: mail.message) {
            case .rejectedByPolicy(let reply):
                logger.info("\(envelope.queueID): portal reply rejected by policy: \(reply)\(regarding(mail))")
                throw PortalPickupError.badForm("Your reply could not be sent: \(reply.lines.joined(separator: " "))")
            case .accepted(let inspected): queued = inspected
            }
        }
        // The same path as SMTP: commit, the `accepted` audit record, delivery woken, notify_sender.
        try await sink.accept(envelope: queued.envelope, message: queued.message)
        logger.info("\(envelope.queueID): portal reply queued, size=\(queued.message.count)\(regarding(mail))")
        return envelope.queueID
    }

    private func regarding(_ mail: PortalOutgoingMail) -> String {
        var text = ""
        if let id = mail.portalMessageID { text += " for portal message \(id)" }
        if let queueID = mail.regarding { text += " (from \(queueID))" }
        return text
    }

    static func localKind(_ kind: PortalMailKind) -> LocalMailKind {
        switch kind {
        case .notice: return .portalNotice
        case .senderCopy: return .portalSenderCopy
        case .code: return .portalCode
        case .readReceipt: return .portalReadReceipt
        case .reply: return .portalReply
        }
    }
}
