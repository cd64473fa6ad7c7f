// SealedPortalStore's lifecycle: revocation and expiry destroy a message's record (its wrapped keys)
// and its ciphertext durably behind a tombstone; the admin listing reads metadata only.

import Foundation

extension SealedPortalStore {
    public func revoke(_ id: PortalMessageID) throws -> PortalMessageMetadata? {
        let now = clock.now()
        return try locked {
            let record: PortalMessageRecord?
            do {
                record = try storedRecord(id)
            } catch PortalStoreError.damaged(part: .keys, _) {
                record = nil
            }
            try destroy(id, record: record, gone: PortalGone(reason: .revoked, at: now))
            return record?.metadata
        }
    }

    public func expire() throws -> [PortalMessageMetadata] {
        let now = clock.now()
        return try locked {
            var expired: [PortalMessageMetadata] = []
            for id in try recordIDs() {
                // A damaged record has no readable expiry: it stays listed as damaged until revoked.
                guard let record = try? storedRecord(id), now >= record.metadata.expiresAt else { continue }
                try destroy(id, record: record, gone: PortalGone(reason: .expired, at: now))
                expired.append(record.metadata)
            }
            return expired.sorted { ($0.createdAt, $0.id.text) < ($1.createdAt, $1.id.text) }
        }
    }

    public func list() throws -> [PortalListEntry] {
        var rows: [(Date, String, PortalListEntry)] = []
        var seen = Set<PortalMessageID>()
        for (id, kind) in try backend.messageFiles() {
            guard kind != .body,
                  seen.insert(id).inserted else { continue }
            do {
                let metadata = try metadata(of: id)
                rows.append((metadata.createdAt, id.text, .message(metadata)))
            } catch PortalStoreError.gone(let gone) {
                rows.append((gone.at, id.text, .destroyedDamaged(id, gone)))
            } catch PortalStoreError.damaged {
                rows.append((.distantFuture, id.text, .damaged(id)))
            } catch PortalStoreError.notFound {
                continue  // destroyed while we listed
            }
        }
        return rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// Under the caller's lock: the tombstone (metadata and link check, nil for a damaged record) is
    /// durable first, then the record (every wrapped key) and the ciphertext are unlinked and the
    /// directory synced. A crash in between is finished on open.
    func destroy(_ id: PortalMessageID, record: PortalMessageRecord?, gone: PortalGone) throws {
        var kept = record?.metadata
        kept?.state = .gone(gone)
        let stone = PortalTombstone(id: id, gone: gone, metadata: kept, linkCheck: record?.linkCheck)
        try write(.message(id, .gone), try codec.seal(stone, kind: .tombstone, name: id.bytes))
        try backend.remove(.message(id, .keys))
        try backend.remove(.message(id, .body))
        try backend.syncRemovals()
    }
}
