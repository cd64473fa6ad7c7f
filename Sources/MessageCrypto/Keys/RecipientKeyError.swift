// RecipientKeyError: why a recipient key was refused or the key store could not do what was asked,
// each a one-line reason for the terminal (fingerprints and addresses only, never key material).

public enum RecipientKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not one X.509 certificate.
    case notACertificate(String)
    /// The bytes are neither a certificate nor an OpenPGP public key.
    case unrecognised(String)
    /// The key parsed but cannot be used: its kind, fingerprint and the inspector's reason.
    case unusable(kind: RecipientKeyKind, fingerprint: String, reason: String)
    /// An OpenPGP key was refused by PGPKeyInspector (not a public key, several keys, ...).
    case notAPGPKey(String)
    /// `--cipher` was given for an OpenPGP key (it only chooses the S/MIME content cipher).
    case cipherNotForPGP
    /// `remove` matched nothing.
    case notFound(String)
    /// The store's index does not parse (it was edited by hand or damaged).
    case badIndex(path: String, reason: String)
    /// A file operation failed (SafeIO's one-line text).
    case io(String)

    public var description: String {
        switch self {
        case let .notACertificate(why): return "not a certificate: \(why)"
        case let .unrecognised(why): return "not a key: \(why)"
        case let .unusable(kind, fingerprint, reason): return "\(kind.noun) \(fingerprint) refused: \(reason)"
        case let .notAPGPKey(why): return why
        case .cipherNotForPGP: return "--cipher applies to S/MIME certificates only, not to OpenPGP keys"
        case let .notFound(what): return "no key on file for \(what)"
        case let .badIndex(path, reason): return "\(path): unreadable key index (\(reason))"
        case let .io(text): return text
        }
    }
}
