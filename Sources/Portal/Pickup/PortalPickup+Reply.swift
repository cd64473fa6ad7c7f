// PortalPickup's secure reply (to the original envelope sender only, never an address from the form:
// no open relay) and the sender's revoke link (a stateless token only a node can make).

import Audit
import Foundation
import MailCore

extension PortalPickup {
    public func sendReply(_ session: PortalSessionID, id: PortalMessageID, body: String, attachments: [PortalUpload],
                          client: String) async throws -> QueueID {
        let now = clock.now()
        guard let current = sessions.use(session, now: now), let holding = current.holding(id) else {
            throw PortalPickupError.invalidLink
        }
        let size = body.utf8.count + attachments.reduce(0) { $0 + $1.bytes.count }
        guard attachments.count <= settings.replyMaxAttachments, size <= settings.replyMaxSize else {
            throw PortalPickupError.tooLarge
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !attachments.isEmpty else {
            throw PortalPickupError.badForm("Please write a reply or attach a file.")
        }
        let original = try await storeCall(id, client: client, started: now) { store in
            switch holding {
            case .link(let access): return try store.open(id, linkToken: access.token)
            case .key(let key): return try store.open(id, with: key)
            }
        }
        // The envelope sender is the address that sent through this gateway; a From header could name anyone.
        guard let sender = original.metadata.sender else {
            throw PortalPickupError.badForm("This message was sent from an address that takes no replies.")
        }
        let headers = PortalOriginalHeaders(message: original.content)
        let facts = PortalReplyFacts(from: original.metadata.recipient, to: sender, envelopeSender: settings.noticeFrom,
                                     subject: headers.replySubject, inReplyTo: headers.messageID, body: body,
                                     attachments: attachments)
        let queued = try await submit(.reply, to: sender, try composer.reply(facts), regarding: original.metadata.queueID, id: id)
        await recordAfterTheFact(event(.reply, original.metadata, client: client,
                                       detail: "reply queued as \(queued) attachments=\(attachments.count) size=\(size)"))
        return queued
    }

    public func revokeBySender(id text: String, token: String, client: String) async throws {
        let now = clock.now()
        guard let id = PortalMessageID(text), links.revokeTokens.isToken(token, for: id) else {
            throw PortalPickupError.invalidLink
        }
        let store = self.store
        let revoked: PortalMessageMetadata?
        do {
            revoked = try await executor.run { try store.revoke(id) }
        } catch PortalStoreError.gone {
            return  // already revoked or expired: the sender's page says it is no longer available, as asked
        } catch let error as PortalStoreError {
            throw await pickupError(error, id: id, client: client, started: now)
        }
        try await record(PortalEvent(kind: .revoked, portalMessageID: id.text, queueID: revoked?.queueID,
                                     recipient: revoked?.recipient, client: client, actor: "sender",
                                     detail: revoked == nil ? "the record was damaged; destroyed all the same" : nil))
    }
}
