// SMIMEError: what S/MIME signing and encryption can fail with, each a one-line reason; OpenSSL
// failures carry the operation and OpenSSL's own error strings (read from this thread's queue).

import COpenSSL

public enum SMIMEError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No recipient certificate was given.
    case noRecipients
    /// Recipient certificate number `index` (0-based) is not a DER X.509 certificate.
    case badCertificate(index: Int, reason: String)
    /// The signing certificate or key could not be read.
    case badSigningMaterial(String)
    /// An OpenSSL call failed: the operation and OpenSSL's error text.
    case openssl(operation: String, message: String)

    public var description: String {
        switch self {
        case .noRecipients: return "S/MIME: no recipient certificate given"
        case let .badCertificate(index, reason): return "S/MIME: recipient certificate \(index + 1) is unusable: \(reason)"
        case let .badSigningMaterial(reason): return "S/MIME: signing certificate or key unusable: \(reason)"
        case let .openssl(operation, message): return "S/MIME: \(operation) failed: \(message)"
        }
    }
}

enum OpenSSLErrorQueue {
    /// Empties this thread's OpenSSL error queue (OpenSSL keeps it per thread), so that a later
    /// failure reports only its own errors.
    static func clear() { ERR_clear_error() }

    /// Drains this thread's OpenSSL error queue into one line ("no error reported" when empty).
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if messages.count < 4 { messages.append(text) }
        }
        return messages.isEmpty ? "no error reported by OpenSSL" : messages.joined(separator: "; ")
    }

    /// An `SMIMEError.openssl` for `operation`, with the errors queued so far.
    static func failure(_ operation: String) -> SMIMEError {
        .openssl(operation: operation, message: drain())
    }
}
