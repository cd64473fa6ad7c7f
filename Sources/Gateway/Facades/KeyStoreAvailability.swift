// KeyStoreAvailability: the recipient key store's answer for one address and method (S/MIME or PGP)
// as the method ladder's `KeyAvailability`: usable with its key id, none on file, expired, or unusable.

import Foundation
import MailCore
import MessageCrypto

public enum KeyStoreAvailability {
    /// What `store` holds for `address` and `method` at `now`. `tls` and `portal` need no key: `.missing`.
    /// A store that cannot be read is `.unusable` with the error as its reason (the ladder moves on).
    public static func availability(_ store: RecipientKeyStore, address: MailAddress, method: DeliveryMethod,
                                    now: Date) -> KeyAvailability {
        guard let kind = kind(method) else { return .missing }
        do {
            let lookup = try store.usableKey(for: address, kind: kind, now: now)
            if case .usable(let entry, _) = lookup { return .available(keyID: keyID(entry)) }
            let onFile = try store.entries(for: address).filter { $0.kind == kind }
            guard !onFile.isEmpty else { return .missing }
            // Every entry expired (none valid now, none waiting to become valid): the last to expire.
            let expired = onFile.compactMap { e in e.notAfter.map { (e, $0) } }.filter { $0.1 <= now }
            if expired.count == onFile.count, let (entry, on) = expired.max(by: { $0.1 < $1.1 }) {
                return .expired(keyID: keyID(entry), on: on)
            }
            if case .unavailable(let reason) = lookup { return .unusable(reason: reason) }
            return .missing
        } catch {
            return .unusable(reason: "key store: \(error)")
        }
    }

    /// The id a trace shows: PGP's long key id ("0x" and the fingerprint's last 16 hex digits),
    /// an S/MIME certificate's SHA-256 fingerprint cut to 16 hex digits ("sha256:ab12…").
    public static func keyID(_ entry: KeyEntry) -> String { keyID(kind: entry.kind, fingerprint: entry.fingerprint) }

    /// The same form for any fingerprint (the organisation's signing keys are named so too).
    public static func keyID(kind: RecipientKeyKind, fingerprint: String) -> String {
        switch kind {
        case .pgp: return "0x" + String(fingerprint.uppercased().suffix(16))
        case .smime: return "sha256:" + String(fingerprint.lowercased().prefix(16))
        }
    }

    static func kind(_ method: DeliveryMethod) -> RecipientKeyKind? {
        switch method {
        case .smime: return .smime
        case .pgp: return .pgp
        case .tls, .portal: return nil
        }
    }
}
