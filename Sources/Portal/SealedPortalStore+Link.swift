// SealedPortalStore's link checks: a link verified without opening content, the record a link may use
// (a gone message says `.gone` only to its right token), the link wrap, and counting a session's view.

import Foundation

extension SealedPortalStore {
    public func verifyLink(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalMessageMetadata {
        try linkedRecord(id, token: linkToken).metadata
    }

    public func noteView(_ id: PortalMessageID) throws -> PortalMessageMetadata {
        _ = try liveRecord(id)  // destroys it if expired (outside the lock, which liveRecord takes itself)
        let now = clock.now()
        return try locked {
            var record = try storedRecord(id)
            record.metadata.views += 1
            if record.metadata.firstViewedAt == nil { record.metadata.firstViewedAt = now }
            try writeRecord(record)
            return record.metadata
        }
    }

    /// The live record of `id` when `token` is its link's: `.denied` for another token, also when the
    /// message is gone (its tombstone's check value says whose token it was; a tombstone without one,
    /// of a record already damaged, denies every token); `.gone` for the right token of a gone message.
    /// The token is checked before the expiry, so a wrong token cannot even learn that it expired.
    func linkedRecord(_ id: PortalMessageID, token: PortalLinkToken) throws -> PortalMessageRecord {
        let record: PortalMessageRecord
        do {
            record = try storedRecord(id)
        } catch PortalStoreError.gone(let gone) {
            guard let check = try tombstone(id)?.linkCheck, isLinkCheck(check, of: token, id: id) else {
                throw PortalStoreError.denied
            }
            throw PortalStoreError.gone(gone)
        }
        guard isLinkCheck(record.linkCheck, of: token, id: id) else { throw PortalStoreError.denied }
        return try unexpired(record)
    }

    /// The message key from the link wrap: `.denied` for a wrong token, `.damaged` for a wrap that
    /// fails with the right one.
    func linkMessageKey(_ record: PortalMessageRecord, token: PortalLinkToken) throws -> [UInt8] {
        let id = record.metadata.id
        guard isLinkCheck(record.linkCheck, of: token, id: id) else { throw PortalStoreError.denied }
        let link = derivation.linkKeys(token: token, id: id)
        guard let key = PortalSeal.open([UInt8](record.linkWrapped), key: link.wrap, context: PortalSeal.context("link-wrap", id.bytes)),
              key.count == 32 else {
            throw PortalStoreError.damaged(part: .keys, id: id)
        }
        return key
    }

    private func isLinkCheck(_ check: Data, of token: PortalLinkToken, id: PortalMessageID) -> Bool {
        PortalSeal.constantTimeEqual(derivation.linkKeys(token: token, id: id).check, [UInt8](check))
    }
}
