// PortalSenderRevokeToken: the secret in the sender copy's revoke link, stateless: HMAC-SHA256 of the
// message id under a key HKDF derives from the pepper, 256 bits in base32. Only a node can make one.

import Crypto
import Foundation

struct PortalSenderRevokeToken: Sendable {
    private let key: SymmetricKey

    init(pepper: PortalPepper) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: pepper.bytes),
                                     salt: Array("sealgate-portal v1 sender-revoke".utf8), info: [UInt8](), outputByteCount: 32)
    }

    /// The token for `id` (52 base32 characters).
    func token(for id: PortalMessageID) -> String {
        PortalBase32.encode(Array(HMAC<SHA256>.authenticationCode(for: id.bytes, using: key)))
    }

    /// Whether `given` is `id`'s token (either case, as a mail client may change it), in constant time.
    func isToken(_ given: String, for id: PortalMessageID) -> Bool {
        PortalSecretCompare.equal(given.lowercased(), token(for: id))
    }
}
