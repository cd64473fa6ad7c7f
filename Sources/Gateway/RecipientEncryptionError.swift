// RecipientEncryptionError: why a recipient's encrypted copy was not made, in one line the trace can
// show (method, key id, the key store's or the library's reason); never any message content.
import MailCore

public enum RecipientEncryptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `tls` or `portal`: no key is involved, so there is nothing to encrypt to.
    case notAKeyMethod(DeliveryMethod)
    /// The key store holds no key that can be used at `now` any more (expired, removed, damaged).
    case noUsableKey(method: DeliveryMethod, reason: String)
    /// The key store could not be read.
    case keyStore(method: DeliveryMethod, reason: String)
    /// OpenSSL or librnp refused: the key used and the library's own reason.
    case encryptionFailed(method: DeliveryMethod, keyID: String, reason: String)

    /// The reason without the method in front ("certificate … expired 2026-10-01").
    public var reason: String {
        switch self {
        case .notAKeyMethod(let method): return "\(method.rawValue) does not encrypt to a key"
        case let .noUsableKey(_, reason): return reason
        case let .keyStore(_, reason): return "key store: \(reason)"
        case let .encryptionFailed(_, keyID, reason): return "encryption to \(keyID) failed: \(reason)"
        }
    }

    public var description: String {
        switch self {
        case .notAKeyMethod: return reason
        case let .noUsableKey(method, _), let .keyStore(method, _), let .encryptionFailed(method, _, _):
            return "\(method.rawValue): \(reason)"
        }
    }
}
