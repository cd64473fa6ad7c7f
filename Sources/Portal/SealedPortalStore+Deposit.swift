// SealedPortalStore's deposit: a fresh message key seals the message; the key is wrapped for the link
// (token and pepper) and, when the recipient has a password, to their public key; body first, then record.

import Crypto
import Foundation
import MailCore

extension SealedPortalStore {
    public func deposit(_ request: PortalDepositRequest) throws -> PortalDeposit {
        guard request.lifetime > 0 else { throw PortalStoreError.invalidRequest("a portal message needs a positive lifetime") }
        let id = PortalMessageID(randomness: randomness)
        let token = PortalLinkToken(randomness: randomness)
        let messageKey = randomness.bytes(32)
        let body = SealedPortalStore.bodyMagic + (try PortalSeal.seal(request.message, key: SymmetricKey(data: messageKey),
                                                                    context: PortalSeal.context("body", id.bytes),
                                                                    randomness: randomness))
        let link = derivation.linkKeys(token: token, id: id)
        let now = clock.now()
        let metadata = PortalMessageMetadata(id: id, queueID: request.queueID, sender: request.sender,
                                             recipient: request.recipient, createdAt: now,
                                             expiresAt: now.addingTimeInterval(request.lifetime),
                                             size: request.message.count, state: .active,
                                             readReceipt: request.readReceipt)
        var record = PortalMessageRecord(
            metadata: metadata, linkCheck: Data(link.check),
            linkWrapped: Data(try PortalSeal.seal(messageKey, key: link.wrap, context: PortalSeal.context("link-wrap", id.bytes),
                                                  randomness: randomness)),
            recipientWraps: [])
        try locked {
            // Read under the lock, so a reset running now cannot leave this message wrapped to the old pair.
            if let recipient = try recipientRecord(request.recipient) {
                record.recipientWraps = [try wrapRecord(messageKey, to: recipient, id: id)]
            }
            // The body is durable before the record names it; a body without a record is swept on open.
            try write(.message(id, .body), body)
            try writeRecord(record)
        }
        return PortalDeposit(metadata: metadata, linkToken: token)
    }

    func wrapRecord(_ messageKey: [UInt8], to recipient: PortalRecipientRecord, id: PortalMessageID) throws
        -> PortalRecipientWrapRecord {
        let publicKey: Curve25519.KeyAgreement.PublicKey
        do {
            publicKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.publicKey)
        } catch {
            throw PortalStoreError.damaged(part: .recipient, id: nil)
        }
        let wrapped = try PortalRecipientWrap.wrap(messageKey, to: publicKey, recipientKeyID: [UInt8](recipient.keyID), id: id)
        return PortalRecipientWrapRecord(recipientKeyID: recipient.keyID, encapsulatedKey: Data(wrapped.encapsulatedKey),
                                         sealed: Data(wrapped.sealed))
    }
}
