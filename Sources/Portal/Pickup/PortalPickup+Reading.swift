// PortalPickup's reading: a message opens only for a session that holds it (by link and code, or by key);
// a session's first open is the audited view, and the message's first view sends the read receipt.

import Audit
import Foundation
import MailCore

extension PortalPickup {
    public func openMessage(_ session: PortalSessionID, id text: String, client: String) async throws -> PortalOpenedMessage {
        let now = clock.now()
        guard let current = sessions.use(session, now: now), let id = PortalMessageID(text),
              let holding = current.holding(id) else {
            throw PortalPickupError.invalidLink
        }
        let opened = try await storeCall(id, client: client, started: now) { store in
            switch holding {
            case .link(let access): return try store.open(id, linkToken: access.token)
            case .key(let key): return try store.open(id, with: key)
            }
        }
        let firstInSession = sessions.update(session) { $0.viewed.insert(id).inserted } ?? false
        if firstInSession { try await noteView(opened.metadata, client: client, started: now) }
        return opened
    }

    public func recordDownload(_ session: PortalSessionID, id: PortalMessageID, part: String, contentType: String, size: Int,
                               client: String) async {
        guard let current = sessions.use(session, now: clock.now()), let holding = current.holding(id) else { return }
        let recipient: MailAddress
        switch holding {
        case .link(let access): recipient = access.recipient
        case .key(let key): recipient = key.recipient
        }
        // The part number, type and size only: a filename can itself be PHI ("biopsy-result.pdf").
        let safeType = String(contentType.prefix(100).filter { $0.isASCII && !$0.isWhitespace && $0 != "\"" })
        await recordAfterTheFact(PortalEvent(kind: .download, portalMessageID: id.text, queueID: current.queueID(of: id),
                                             recipient: recipient, client: client,
                                             detail: "part=\(part.prefix(32)) type=\(safeType) size=\(size)"))
    }

    /// Counts the view in the store, audits it, and sends the read receipt on the message's first view.
    private func noteView(_ metadata: PortalMessageMetadata, client: String, started: Date) async throws {
        let id = metadata.id
        let counted: PortalMessageMetadata
        do {
            counted = try await storeCall(id, client: client, started: started) { try $0.noteView(id) }
        } catch {
            // The content opened: the count is bookkeeping, and its failure must not hide the view.
            logger.warning("portal: the view of \(id) was not counted: \(error)")
            try await record(event(.view, metadata, client: client, detail: "views=unknown"))
            return
        }
        try await record(event(.view, counted, client: client, detail: "views=\(counted.views)"))
        if counted.readReceipt, counted.views == 1, let sender = counted.sender {
            await sendReadReceipt(counted, to: sender, client: client)
        }
    }

    private func sendReadReceipt(_ metadata: PortalMessageMetadata, to sender: MailAddress, client: String) async {
        do {
            let facts = PortalReceiptFacts(organisation: settings.organisation, sender: sender, recipient: metadata.recipient,
                                           openedAt: metadata.firstViewedAt ?? clock.now(), portalMessageID: metadata.id)
            let queued = try await submit(.readReceipt, to: sender, try composer.readReceipt(facts), regarding: metadata.queueID,
                                          id: metadata.id)
            await recordAfterTheFact(event(.readReceipt, metadata, client: client, detail: "receipt queued as \(queued)"))
        } catch {
            // The view is counted, so no later view retries it: say so loudly.
            logger.error("portal: the read receipt for \(metadata.id) was not sent: \(error)")
        }
    }
}

/// How a session may open a message: by the link it verified, or by the recipient's unlocked key.
enum PortalHolding: Sendable {
    case link(PortalLinkAccess)
    case key(PortalRecipientKey)
}

extension PortalSession {
    /// Whether (and how) this session may ask for message `id`. A key may ask for any id: the store
    /// answers `.denied` for a message not wrapped to it (another recipient's), which is `.invalidLink`.
    func holding(_ id: PortalMessageID) -> PortalHolding? {
        switch stage {
        case .reading(let access, _) where access.id == id: return .link(access)
        case .reading(_, let key?): return .key(key)
        case .inbox(let key): return .key(key)
        case .reading, .linked, .codeSent, .resetCodeSent: return nil
        }
    }

    /// The queue id of a message this session opened by its link (nil for one opened by key).
    func queueID(of id: PortalMessageID) -> QueueID? {
        if case .reading(let access, _) = stage, access.id == id { return access.metadata.queueID }
        return nil
    }
}
