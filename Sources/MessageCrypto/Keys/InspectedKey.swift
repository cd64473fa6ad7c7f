// InspectedKey: a file given to `keys import`, recognised and checked by the S/MIME or PGP
// inspector: the bytes the store keeps, the addresses it names, its validity, or why it is refused.

import Foundation
import MailCore

struct InspectedKey {
    var kind: RecipientKeyKind
    var fingerprint: String
    /// Normalised (parsed, lower-cased) addresses.
    var addresses: [String]
    var notBefore: Date?
    var notAfter: Date?
    /// What the key file holds: the DER certificate, or the OpenPGP key as given.
    var stored: [UInt8]

    /// Recognises and inspects `bytes`; throws `RecipientKeyError` for anything the store refuses.
    static func inspect(_ bytes: [UInt8], now: Date, cipher: SMIMECipher?) throws -> InspectedKey {
        switch KeyFormat.detect(bytes) {
        case .unknown(let what):
            throw RecipientKeyError.unrecognised(what)
        case .certificate:
            let info = try SMIMECertificateInspector.inspect(bytes, now: now)
            if let reason = info.unusableReason {
                throw RecipientKeyError.unusable(kind: .smime, fingerprint: info.fingerprint, reason: reason)
            }
            let addresses = normalised(info.addresses)
            guard !addresses.isEmpty else {
                throw RecipientKeyError.unusable(kind: .smime, fingerprint: info.fingerprint,
                                                 reason: "no valid email address in subjectAltName")
            }
            return InspectedKey(kind: .smime, fingerprint: info.fingerprint, addresses: addresses,
                                notBefore: info.notBefore, notAfter: info.notAfter, stored: info.der)
        case .openPGP:
            guard cipher == nil else { throw RecipientKeyError.cipherNotForPGP }
            let info: PGPKeyInfo
            do {
                info = try PGPKeyInspector.inspect(key: bytes, now: now)
            } catch let error as PGPError {
                throw RecipientKeyError.notAPGPKey(error.description)
            }
            if let reason = info.unusableReason {
                throw RecipientKeyError.unusable(kind: .pgp, fingerprint: info.fingerprint, reason: reason)
            }
            return InspectedKey(kind: .pgp, fingerprint: info.fingerprint,
                                addresses: normalised(info.addresses.map(\.description)),
                                notBefore: nil, notAfter: info.encryptionKeyExpiry, stored: bytes)
        }
    }

    /// Parsed, lower-cased and without duplicates; text that is not an address is dropped.
    static func normalised(_ texts: [String]) -> [String] {
        var out: [String] = []
        for text in texts {
            guard let key = RecipientKeyStore.indexKey(text), !out.contains(key) else { continue }
            out.append(key)
        }
        return out
    }
}
