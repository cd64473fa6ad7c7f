// KeyEntry: one line of the recipient key index: an address, the kind and fingerprint of a key on
// file for it, when that key stops being valid, and (S/MIME) the content cipher chosen at import.

import Foundation

public enum RecipientKeyKind: String, Sendable, Codable, CaseIterable {
    case smime
    case pgp

    /// "certificate" or "PGP key", as reasons name them.
    public var noun: String { self == .smime ? "certificate" : "PGP key" }

    /// The key file's suffix in the store's directory.
    var fileSuffix: String { self == .smime ? ".smime.der" : ".pgp" }
}

public struct KeyEntry: Sendable, Equatable {
    /// The address, lower-cased.
    public let address: String
    public let kind: RecipientKeyKind
    /// S/MIME: SHA-256 of the DER, lower-case hex; PGP: the primary key's fingerprint, upper-case hex.
    public let fingerprint: String
    /// S/MIME: the certificate's notBefore; PGP: nil.
    public let notBefore: Date?
    /// The certificate's notAfter or the PGP encryption key's expiry; nil when it never expires.
    public let notAfter: Date?
    /// S/MIME only: the content cipher to encrypt with (nil: the default, AES-256-CBC).
    public let cipher: SMIMECipher?

    public init(address: String, kind: RecipientKeyKind, fingerprint: String, notBefore: Date?, notAfter: Date?,
                cipher: SMIMECipher?) {
        self.address = address
        self.kind = kind
        self.fingerprint = fingerprint
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.cipher = cipher
    }

    /// The key file's name in the store's directory.
    public var fileName: String { fingerprint + kind.fileSuffix }

    /// True when the key may be used at `now` (inside its validity period).
    public func isValid(at now: Date) -> Bool {
        if let notBefore, notBefore > now { return false }
        if let notAfter, notAfter <= now { return false }
        return true
    }

    /// The index keeps entries under their address; `address` is supplied from the key.
    init(address: String, decoding entry: IndexLine) {
        self.init(address: address, kind: entry.kind, fingerprint: entry.fingerprint,
                  notBefore: entry.notBefore.flatMap(KeyDates.parse), notAfter: entry.notAfter.flatMap(KeyDates.parse),
                  cipher: entry.cipher.flatMap(SMIMECipher.init(rawValue:)))
    }
}

/// An index entry as JSON: dates as RFC 3339 text, the cipher by its name.
struct IndexLine: Codable, Equatable {
    var kind: RecipientKeyKind
    var fingerprint: String
    var notBefore: String?
    var notAfter: String?
    var cipher: String?

    enum CodingKeys: String, CodingKey {
        case kind, fingerprint, cipher
        case notBefore = "not_before"
        case notAfter = "not_after"
    }

    init(_ entry: KeyEntry) {
        kind = entry.kind
        fingerprint = entry.fingerprint
        notBefore = entry.notBefore.map(KeyDates.timestamp)
        notAfter = entry.notAfter.map(KeyDates.timestamp)
        cipher = entry.cipher?.rawValue
    }
}
