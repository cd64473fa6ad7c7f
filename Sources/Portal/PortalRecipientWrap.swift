// PortalRecipientWrap: a message key wrapped to a recipient's X25519 public key with HPKE (RFC 9180,
// base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM), bound to the key and the message.

import Crypto
import Foundation

enum PortalRecipientWrap {
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// The HPKE info: the recipient key's id and the message id, so a wrap opens for that pair only.
    static func info(recipientKeyID: [UInt8], id: PortalMessageID) -> Data {
        Data(PortalSeal.context("recipient-wrap", recipientKeyID, id.bytes))
    }

    static func wrap(_ messageKey: [UInt8], to publicKey: Curve25519.KeyAgreement.PublicKey, recipientKeyID: [UInt8],
                     id: PortalMessageID) throws -> (encapsulatedKey: [UInt8], sealed: [UInt8]) {
        var sender = try HPKE.Sender(recipientKey: publicKey, ciphersuite: suite,
                                     info: info(recipientKeyID: recipientKeyID, id: id))
        let sealed = try sender.seal(messageKey, authenticating: id.bytes)
        return ([UInt8](sender.encapsulatedKey), [UInt8](sealed))
    }

    /// The message key, or nil when the wrap does not open with this private key for this message.
    static func unwrap(encapsulatedKey: [UInt8], sealed: [UInt8], privateKey: Curve25519.KeyAgreement.PrivateKey,
                       recipientKeyID: [UInt8], id: PortalMessageID) -> [UInt8]? {
        guard var recipient = try? HPKE.Recipient(privateKey: privateKey, ciphersuite: suite,
                                                  info: info(recipientKeyID: recipientKeyID, id: id),
                                                  encapsulatedKey: Data(encapsulatedKey)),
              let key = try? recipient.open(sealed, authenticating: id.bytes) else { return nil }
        return [UInt8](key)
    }
}
