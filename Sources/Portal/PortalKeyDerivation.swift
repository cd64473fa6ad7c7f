// PortalKeyDerivation: every key the store derives (HKDF-SHA256): from the pepper alone (the records'
// key, recipient file names) and from the pepper with a second secret (link token, stretched password).

import Crypto
import Foundation
import MailCore

struct PortalKeyDerivation: Sendable {
    private let pepper: PortalPepper
    /// Seals every record file (message records, tombstones, recipient records, the store check).
    let recordKey: SymmetricKey
    private let nameKey: SymmetricKey

    init(pepper: PortalPepper) {
        self.pepper = pepper
        let ikm = SymmetricKey(data: pepper.bytes)
        recordKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: Array("sealgate-portal v1 record-key".utf8),
                                           info: [UInt8](), outputByteCount: 32)
        nameKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: Array("sealgate-portal v1 recipient-name".utf8),
                                         info: [UInt8](), outputByteCount: 32)
    }

    /// The key that wraps a message's key for its link, and the check value that tells a wrong token
    /// (check differs) from a damaged wrap (check matches, unwrap fails). Both need the token and the
    /// pepper; the message id is the HKDF info, so they belong to one message only.
    func linkKeys(token: PortalLinkToken, id: PortalMessageID) -> (wrap: SymmetricKey, check: [UInt8]) {
        derivePair(secret: token.bytes, salt: "sealgate-portal v1 link", info: id.bytes)
    }

    /// The key that seals a recipient's private key, and its check value, from the scrypt output of the
    /// password and the pepper: guessing the password offline needs a node's key file too.
    func passwordKeys(stretched: [UInt8], recipientKeyID: [UInt8]) -> (seal: SymmetricKey, check: [UInt8]) {
        derivePair(secret: stretched, salt: "sealgate-portal v1 password", info: recipientKeyID)
    }

    /// A recipient record's file name: HMAC-SHA256 of the canonical address under a pepper key, 128 bits
    /// in base32, so the store's file names do not say who has a password.
    func recipientFileName(_ address: MailAddress) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(PortalRecipientName.canonical(address).utf8), using: nameKey)
        return PortalBase32.encode(Array(Array(mac).prefix(16)))
    }

    private func derivePair(secret: [UInt8], salt: String, info: [UInt8]) -> (SymmetricKey, [UInt8]) {
        let ikm = SymmetricKey(data: pepper.bytes + secret)
        let both = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: Array(salt.utf8), info: info, outputByteCount: 64)
        let (key, check) = both.split(at: 32)
        return (SymmetricKey(data: key), check)
    }
}

/// The form of an address the portal files a recipient under: the local part and domain lower-cased
/// (the domain as its A-label), as Postfix compares addresses in its lookup tables: one mailbox, one inbox.
enum PortalRecipientName {
    static func canonical(_ address: MailAddress) -> String {
        let domain: String
        switch address.domain {
        case .name(let name): domain = name.ascii.lowercased()
        default: domain = address.domain.description.lowercased()
        }
        return "\(address.localPart.lowercased())@\(domain)"
    }

    static func sameRecipient(_ a: MailAddress, _ b: MailAddress) -> Bool { canonical(a) == canonical(b) }
}
