// PGPKeyInfo: what PGPKeyInspector found in an OpenPGP public key: its fingerprint, the user IDs'
// addresses, the encryption key chosen and its expiry, and why the key is unusable (nil: usable).

import Foundation
import MailCore

public struct PGPKeyInfo: Sendable, Equatable {
    /// The primary key's fingerprint, upper-case hex (as `gpg --with-colons` prints it).
    public let fingerprint: String
    /// The email addresses of the valid, unrevoked user IDs, in key order, without duplicates.
    public let addresses: [MailAddress]
    /// The key (subkey or primary) that mail would be encrypted to, when one is valid at `now`.
    public let encryptionKeyFingerprint: String?
    /// When that encryption key stops being valid; nil when it never expires or when there is none.
    public let encryptionKeyExpiry: Date?
    /// One line on why the key cannot be used at `now` ("revoked", "expired 2026-10-01",
    /// "no encryption-capable subkey", ...); nil when it can.
    public let unusableReason: String?

    public var isUsable: Bool { unusableReason == nil }

    public init(fingerprint: String, addresses: [MailAddress], encryptionKeyFingerprint: String?,
                encryptionKeyExpiry: Date?, unusableReason: String?) {
        self.fingerprint = fingerprint
        self.addresses = addresses
        self.encryptionKeyFingerprint = encryptionKeyFingerprint
        self.encryptionKeyExpiry = encryptionKeyExpiry
        self.unusableReason = unusableReason
    }
}
