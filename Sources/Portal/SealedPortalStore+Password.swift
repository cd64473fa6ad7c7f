// SealedPortalStore's recipient passwords: the first one (proven by a link token), joining a message to
// the inbox, and a reset; each makes or uses the recipient's X25519 key pair sealed under the password.

import Crypto
import Foundation
import MailCore

extension SealedPortalStore {
    public func hasPassword(_ recipient: MailAddress) throws -> Bool {
        try recipientRecord(recipient) != nil
    }

    public func setPassword(_ password: String, opening id: PortalMessageID, linkToken: PortalLinkToken) throws
        -> PortalRecipientKey {
        try checkLength(password)
        let record = try linkedRecord(id, token: linkToken)
        let messageKey = try linkMessageKey(record, token: linkToken)
        let recipient = record.metadata.recipient
        // Checked before the slow hash and again under the lock.
        guard try recipientRecord(recipient) == nil else { throw PortalStoreError.passwordAlreadySet }
        let (pair, key) = try makeKeyPair(for: recipient, password: password)
        try locked {
            guard try recipientRecord(recipient) == nil else { throw PortalStoreError.passwordAlreadySet }
            try writeRecipientRecord(pair)
            try addWrap(messageKey, id: id, to: pair)
        }
        return key
    }

    public func joinInbox(_ id: PortalMessageID, linkToken: PortalLinkToken) throws {
        let record = try linkedRecord(id, token: linkToken)
        let messageKey = try linkMessageKey(record, token: linkToken)
        try locked {
            guard let pair = try recipientRecord(record.metadata.recipient) else { throw PortalStoreError.noPassword }
            try addWrap(messageKey, id: id, to: pair)
        }
    }

    public func resetPassword(_ recipient: MailAddress, newPassword: String) throws -> PortalRecipientKey {
        try checkLength(newPassword)
        guard try recipientRecord(recipient) != nil else { throw PortalStoreError.noPassword }
        let (pair, key) = try makeKeyPair(for: recipient, password: newPassword)
        try locked {
            // Replacing the record destroys the old private key; the wraps to it are dead, and removed.
            try writeRecipientRecord(pair)
            for id in try recordIDs() {
                guard var record = try? storedRecord(id),
                      PortalRecipientName.sameRecipient(record.metadata.recipient, recipient),
                      record.recipientWraps.contains(where: { $0.recipientKeyID != pair.keyID }) else { continue }
                record.recipientWraps.removeAll { $0.recipientKeyID != pair.keyID }
                try writeRecord(record)
            }
        }
        return key
    }

    // MARK: - shared

    private func checkLength(_ password: String) throws {
        guard password.count >= SealedPortalStore.minimumPasswordLength else {
            throw PortalStoreError.passwordTooShort(minimum: SealedPortalStore.minimumPasswordLength)
        }
    }

    /// A new key pair for `recipient`: its record (private key sealed under scrypt(password) and the
    /// pepper) and the unsealed key for the session that set it.
    private func makeKeyPair(for recipient: MailAddress, password: String) throws -> (PortalRecipientRecord, PortalRecipientKey) {
        let keyID = randomness.bytes(16)
        let salt = randomness.bytes(16)
        let privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: randomness.bytes(32))
        let publicKey = [UInt8](privateKey.publicKey.rawRepresentation)
        let keys = derivation.passwordKeys(stretched: try passwordHash.stretch(password, salt: salt), recipientKeyID: keyID)
        let sealed = try PortalSeal.seal([UInt8](privateKey.rawRepresentation), key: keys.seal,
                                         context: SealedPortalStore.privateKeyContext(keyID: keyID, publicKey: publicKey),
                                         randomness: randomness)
        let record = PortalRecipientRecord(address: recipient, keyID: Data(keyID), publicKey: Data(publicKey), salt: Data(salt),
                                           hash: passwordHash, passwordCheck: Data(keys.check), sealedPrivateKey: Data(sealed),
                                           createdAt: clock.now())
        return (record, PortalRecipientKey(recipient: recipient, keyID: keyID, privateKey: privateKey))
    }

    /// Re-reads the message's record (under the caller's lock) and wraps its key to `pair`; a wrap to
    /// an older pair of the recipient's is dead and dropped.
    private func addWrap(_ messageKey: [UInt8], id: PortalMessageID, to pair: PortalRecipientRecord) throws {
        var record = try storedRecord(id)
        record.recipientWraps = [try wrapRecord(messageKey, to: pair, id: id)]
        try writeRecord(record)
    }
}
