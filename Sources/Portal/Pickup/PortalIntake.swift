// PortalIntake: what the ladder's portal rung hands a message to (Gateway's PortalSink calls it): the
// store deposit, the notice to the recipient, the sender's copy with its revoke link, their audit records.

import Audit
import Foundation
import Logging
import MailCore

public final class PortalIntake: Sendable {
    let store: any PortalStore
    let executor: any PortalBlockingExecutor
    let mailer: any PortalMailer
    let composer: any PortalMailComposing
    let audit: any AuditRecorder
    let links: PortalLinks
    let settings: PortalPickupSettings
    let logger: Logger

    public init(store: any PortalStore, executor: any PortalBlockingExecutor, mailer: any PortalMailer,
                composer: any PortalMailComposing, audit: any AuditRecorder, pepper: PortalPepper, settings: PortalPickupSettings,
                logger: Logger = Logger(label: "sealgate.portal")) {
        self.store = store; self.executor = executor; self.mailer = mailer; self.composer = composer; self.audit = audit
        links = PortalLinks(baseURL: settings.baseURL, pepper: pepper); self.settings = settings; self.logger = logger
    }

    /// Stores one recipient's copy, then queues its notice (and the sender's copy when policy asks) and
    /// audits them; returns the receipt for the recipient's state (ids only). When the notice cannot be
    /// queued the copy is revoked again and the error thrown, so the queue defers the recipient and the
    /// next attempt deposits afresh (no message sits in the store that nobody was told about).
    public func deposit(envelope: Envelope, recipientIndex: Int, message: [UInt8], options: PortalDepositOptions)
        async throws -> String {
        guard envelope.recipients.indices.contains(recipientIndex) else {
            throw PortalStoreError.invalidRequest("recipient index \(recipientIndex) is not in the envelope")
        }
        let recipient = envelope.recipients[recipientIndex].address
        let request = PortalDepositRequest(queueID: envelope.queueID, sender: envelope.sender, recipient: recipient,
                                           message: message, lifetime: options.lifetime, readReceipt: options.readReceipt)
        let store = self.store
        let deposit = try await executor.run { try store.deposit(request) }
        let metadata = deposit.metadata
        let facts = PortalNoticeFacts(organisation: settings.organisation, sender: envelope.sender, recipient: recipient,
                                      subject: options.noticeSubject ? PortalOriginalHeaders(message: message).subject : nil,
                                      expires: metadata.expiresAt, link: links.pickupURL(id: metadata.id, token: deposit.linkToken),
                                      portalMessageID: metadata.id)
        let notice: QueueID
        do {
            notice = try await submit(.notice, to: recipient, try composer.notice(facts), metadata)
        } catch {
            let id = metadata.id
            _ = try? await executor.run { try store.revoke(id) }
            throw error
        }
        await record(.notice, metadata, detail: "notice queued as \(notice)")
        var receipt = "stored on the portal as \(metadata.id); notice queued as \(notice)"
        if options.senderCopy, let sender = envelope.sender {
            do {
                let copy = try composer.senderCopy(facts, revokeURL: links.senderRevokeURL(for: metadata.id))
                let queued = try await submit(.senderCopy, to: sender, copy, metadata)
                await record(.senderCopy, metadata, detail: "sender copy queued as \(queued)")
                receipt += "; sender copy queued as \(queued)"
            } catch {
                // The recipient's notice is out: deferring now would deposit and notify twice.
                logger.error("portal: the sender copy for \(metadata.id) was not queued: \(error)")
            }
        }
        return receipt
    }

    private func submit(_ kind: PortalMailKind, to recipient: MailAddress, _ message: [UInt8],
                        _ metadata: PortalMessageMetadata) async throws -> QueueID {
        try await mailer.submit(PortalOutgoingMail(kind: kind, envelopeSender: settings.noticeFrom, recipient: recipient,
                                                   message: message, regarding: metadata.queueID, portalMessageID: metadata.id))
    }

    /// The notice is queued whatever the audit store says; a record that cannot be kept is logged.
    private func record(_ kind: PortalEvent.Kind, _ metadata: PortalMessageMetadata, detail: String) async {
        let event = AuditEvent.portal(PortalEvent(kind: kind, portalMessageID: metadata.id.text, queueID: metadata.queueID,
                                                  recipient: metadata.recipient, detail: detail))
        let audit = self.audit
        do {
            try await executor.run { try audit.record(event) }
        } catch {
            logger.error("portal: audit record \(event.name) for \(metadata.id) not kept: \(error)")
        }
    }
}
