// PGPError: why a PGP operation failed, in one line: an rnp call's result (by rnp's own name,
// e.g. RNP_ERROR_NO_SUITABLE_KEY) or a refusal of our own (no recipients, a protected signing key).

import CRNP

public enum PGPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An rnp call failed: the call, rnp's result name and rnp's own text for it.
    case rnp(call: String, name: String, message: String)
    /// The bytes are not an OpenPGP public key (garbage, a message, a signature, a secret key).
    case notAPublicKey(String)
    /// The signing key given is not an OpenPGP secret key that can sign.
    case notASigningKey(String)
    /// The signing key's secret material is passphrase-protected; it must be stored unprotected (0600).
    case signingKeyProtected(fingerprint: String)
    /// `encrypt` was called with no recipient key.
    case noRecipients
    /// The entity to encrypt has no header section (no Content-Type and nothing else).
    case notAMIMEEntity

    public var description: String {
        switch self {
        case let .rnp(call, name, message): return "pgp: \(call) failed: \(name) (\(message))"
        case let .notAPublicKey(why): return "pgp: not an OpenPGP public key: \(why)"
        case let .notASigningKey(why): return "pgp: not a usable signing key: \(why)"
        case let .signingKeyProtected(fpr): return "pgp: signing key \(fpr) is passphrase-protected; store it unprotected with mode 0600"
        case .noRecipients: return "pgp: no recipient key"
        case .notAMIMEEntity: return "pgp: the content to encrypt is not a MIME entity (no header section)"
        }
    }

    /// Throws `.rnp` unless `result` is RNP_SUCCESS.
    static func check(_ result: rnp_result_t, _ call: String) throws {
        guard result != rnp_result_t(RNP_SUCCESS) else { return }
        let message = rnp_result_to_string(result).map { String(cString: $0) } ?? "no description"
        throw PGPError.rnp(call: call, name: rnpResultName(result), message: message)
    }

    /// rnp's symbolic name for a result code (rnp_err.h), or the code in hex when unknown.
    static func rnpResultName(_ result: rnp_result_t) -> String {
        let names: [UInt32: String] = [
            0x0000_0000: "RNP_SUCCESS",
            0x1000_0000: "RNP_ERROR_GENERIC", 0x1000_0001: "RNP_ERROR_BAD_FORMAT",
            0x1000_0002: "RNP_ERROR_BAD_PARAMETERS", 0x1000_0003: "RNP_ERROR_NOT_IMPLEMENTED",
            0x1000_0004: "RNP_ERROR_NOT_SUPPORTED", 0x1000_0005: "RNP_ERROR_OUT_OF_MEMORY",
            0x1000_0006: "RNP_ERROR_SHORT_BUFFER", 0x1000_0007: "RNP_ERROR_NULL_POINTER",
            0x1100_0000: "RNP_ERROR_ACCESS", 0x1100_0001: "RNP_ERROR_READ", 0x1100_0002: "RNP_ERROR_WRITE",
            0x1200_0000: "RNP_ERROR_BAD_STATE", 0x1200_0001: "RNP_ERROR_MAC_INVALID",
            0x1200_0002: "RNP_ERROR_SIGNATURE_INVALID", 0x1200_0003: "RNP_ERROR_KEY_GENERATION",
            0x1200_0004: "RNP_ERROR_BAD_PASSWORD", 0x1200_0005: "RNP_ERROR_KEY_NOT_FOUND",
            0x1200_0006: "RNP_ERROR_NO_SUITABLE_KEY", 0x1200_0007: "RNP_ERROR_DECRYPT_FAILED",
            0x1200_0008: "RNP_ERROR_RNG", 0x1200_0009: "RNP_ERROR_SIGNING_FAILED",
            0x1200_000A: "RNP_ERROR_NO_SIGNATURES_FOUND", 0x1200_000B: "RNP_ERROR_SIGNATURE_EXPIRED",
            0x1200_000C: "RNP_ERROR_VERIFICATION_FAILED", 0x1200_000D: "RNP_ERROR_SIGNATURE_UNKNOWN",
            0x1300_0000: "RNP_ERROR_NOT_ENOUGH_DATA", 0x1300_0001: "RNP_ERROR_UNKNOWN_TAG",
            0x1300_0002: "RNP_ERROR_PACKET_NOT_CONSUMED", 0x1300_0003: "RNP_ERROR_NO_USERID",
            0x1300_0004: "RNP_ERROR_EOF",
        ]
        return names[UInt32(result)] ?? "rnp result 0x" + String(UInt32(result), radix: 16)
    }
}
