// SealedPortalStore's reads: metadata, opening a message by its link or by the recipient's key pair,
// unlocking that key pair with the password, and the recipient's inbox. Every failure is typed.

import Crypto
import Foundation
import MailCore

extension SealedPortalStore {
    public func metadata(of id: PortalMessageID) throws -> PortalMessageMetadata {
        do {
            return try liveRecord(id).metadata
        } catch PortalStoreError.gone(let gone) {
            guard var metadata = try tombstone(id)?.metadata else { throw PortalStoreError.gone(gone) }
            metadata.state = .gone(gone)
            return metadata
        }
    }

    public func open(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalOpenedMessage {
        let record = try linkedRecord(id, token: linkToken)
        return try openBody(record, messageKey: try linkMessageKey(record, token: linkToken))
    }

    public func unlock(_ recipient: MailAddress, password: String) throws -> PortalRecipientKey {
        guard let record = try recipientRecord(recipient) else {
            // As slow as a wrong password, so the time taken does not tell who has one (as Django does).
            _ = try? passwordHash.stretch(password, salt: [UInt8](repeating: 0, count: 16))
            throw PortalStoreError.noPassword
        }
        guard record.hash.isWithinLimits else { throw PortalStoreError.damaged(part: .recipient, id: nil) }
        let keyID = [UInt8](record.keyID)
        let keys = derivation.passwordKeys(stretched: try record.hash.stretch(password, salt: [UInt8](record.salt)),
                                           recipientKeyID: keyID)
        guard PortalSeal.constantTimeEqual(keys.check, [UInt8](record.passwordCheck)) else { throw PortalStoreError.denied }
        guard let raw = PortalSeal.open([UInt8](record.sealedPrivateKey), key: keys.seal,
                                        context: SealedPortalStore.privateKeyContext(keyID: keyID, publicKey: [UInt8](record.publicKey))),
              let privateKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw),
              privateKey.publicKey.rawRepresentation == record.publicKey else {
            throw PortalStoreError.damaged(part: .recipient, id: nil)
        }
        return PortalRecipientKey(recipient: record.address, keyID: keyID, privateKey: privateKey)
    }

    public func inbox(for key: PortalRecipientKey) throws -> [PortalMessageMetadata] {
        try requireCurrent(key)
        let now = clock.now()
        var found: [PortalMessageMetadata] = []
        for id in try recordIDs() {
            // One damaged or concurrently destroyed record does not hide the rest of the inbox.
            guard let record = try? storedRecord(id), record.metadata.expiresAt > now,
                  PortalRecipientName.sameRecipient(record.metadata.recipient, key.recipient),
                  record.recipientWraps.contains(where: { [UInt8]($0.recipientKeyID) == key.keyID }) else { continue }
            found.append(record.metadata)
        }
        return found.sorted { ($0.createdAt, $0.id.text) < ($1.createdAt, $1.id.text) }
    }

    public func open(_ id: PortalMessageID, with key: PortalRecipientKey) throws -> PortalOpenedMessage {
        try requireCurrent(key)
        let record = try liveRecord(id)
        guard PortalRecipientName.sameRecipient(record.metadata.recipient, key.recipient),
              let wrap = record.recipientWraps.first(where: { [UInt8]($0.recipientKeyID) == key.keyID }) else {
            throw PortalStoreError.denied
        }
        guard let messageKey = PortalRecipientWrap.unwrap(encapsulatedKey: [UInt8](wrap.encapsulatedKey),
                                                          sealed: [UInt8](wrap.sealed), privateKey: key.privateKey,
                                                          recipientKeyID: key.keyID, id: id) else {
            throw PortalStoreError.damaged(part: .keys, id: id)
        }
        return try openBody(record, messageKey: messageKey)
    }

    // MARK: - shared

    static func privateKeyContext(keyID: [UInt8], publicKey: [UInt8]) -> [UInt8] {
        PortalSeal.context("private-key", keyID, publicKey)
    }

    /// The stored record of a message that has not expired; an expired one is destroyed now (so its
    /// keys do not outlive the expiry until the next sweep) and reported `.gone`.
    func liveRecord(_ id: PortalMessageID) throws -> PortalMessageRecord {
        try unexpired(try storedRecord(id))
    }

    /// `record` when it has not expired; otherwise destroys it now and throws `.gone`.
    func unexpired(_ record: PortalMessageRecord) throws -> PortalMessageRecord {
        let id = record.metadata.id
        let now = clock.now()
        guard now >= record.metadata.expiresAt else { return record }
        let expired = PortalGone(reason: .expired, at: now)
        try locked {
            // Another process may have revoked or expired it meanwhile: then its tombstone stands.
            if try tombstone(id) == nil { try destroy(id, record: record, gone: expired) }
        }
        throw PortalStoreError.gone(try tombstone(id)?.gone ?? expired)
    }

    /// `.denied` unless `key` is the recipient's current key pair (a reset ends older sessions).
    func requireCurrent(_ key: PortalRecipientKey) throws {
        guard let current = try recipientRecord(key.recipient), [UInt8](current.keyID) == key.keyID else {
            throw PortalStoreError.denied
        }
    }

    private func openBody(_ record: PortalMessageRecord, messageKey: [UInt8]) throws -> PortalOpenedMessage {
        let id = record.metadata.id
        guard let bytes = try backend.read(.message(id, .body)) else {
            // Destroyed between reading the record and the body: gone; otherwise the body is missing.
            if let stone = try tombstone(id) { throw PortalStoreError.gone(stone.gone) }
            throw PortalStoreError.damaged(part: .body, id: id)
        }
        guard bytes.starts(with: SealedPortalStore.bodyMagic),
              let content = PortalSeal.open(Array(bytes.dropFirst(SealedPortalStore.bodyMagic.count)),
                                            key: SymmetricKey(data: messageKey), context: PortalSeal.context("body", id.bytes)),
              content.count == record.metadata.size else {
            throw PortalStoreError.damaged(part: .body, id: id)
        }
        return PortalOpenedMessage(metadata: record.metadata, content: content)
    }
}
