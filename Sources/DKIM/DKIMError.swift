// DKIMError: what loading a key, generating one or signing a message can refuse, each worded as
// one line for the CLI or a log (paths and sizes only, never key material or message contents).

public enum DKIMError: Error, Equatable, CustomStringConvertible {
    /// The key file could not be read (the wrapped text names the path and the reason).
    case unreadableKey(String)
    /// Group or others may access the key file; it must be 0600 (or stricter).
    case keyFileNotPrivate(path: String, mode: UInt32)
    /// The PEM is neither a PKCS#8 (or PKCS#1) RSA key nor a PKCS#8 Ed25519 key.
    case unsupportedKey(String)
    /// An RSA key shorter than 2048 bits (RFC 8301 allows 1024, we do not).
    case rsaKeyTooShort(bits: Int)
    /// The selector is not a dot-separated list of LDH labels (RFC 6376 §3.1).
    case badSelector(String)
    /// The message has no From header field, which DKIM requires to be signed (RFC 6376 §5.4).
    case noFromHeader
    /// The message has a bare LF (or bare CR): it must be in SMTP's CRLF form before signing.
    case bareLineEnding(offset: Int)
    /// The signing primitive failed.
    case signingFailed(String)

    public var description: String {
        switch self {
        case .unreadableKey(let why): return "DKIM key: \(why)"
        case .keyFileNotPrivate(let path, let mode):
            return "DKIM key \(path): group or others may access it (mode \(String(mode, radix: 8))); chmod 600 it"
        case .unsupportedKey(let why): return "DKIM key: \(why)"
        case .rsaKeyTooShort(let bits): return "DKIM key: RSA key has \(bits) bits; at least 2048 are required"
        case .badSelector(let s): return "DKIM selector \"\(s)\" is not a DNS label list (letters, digits, hyphens, dots)"
        case .noFromHeader: return "DKIM: the message has no From header field to sign"
        case .bareLineEnding(let offset): return "DKIM: bare CR or LF at byte \(offset); the message must use CRLF line endings"
        case .signingFailed(let why): return "DKIM: signing failed: \(why)"
        }
    }
}
