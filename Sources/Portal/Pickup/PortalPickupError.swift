// PortalPickupError: every way a pickup step can be refused, with the HTTP status its page gets.
// None of them tells a stranger whether a message exists: unknown, wrong and foreign are one case.

import Foundation

public enum PortalPickupError: Error, Sendable, Equatable {
    /// Unknown id, wrong token, another recipient's message, no or expired session: one answer (404).
    case invalidLink
    /// Revoked or expired, to the holder of the right link (410).
    case gone
    case wrongCode(remaining: Int)
    case codeExpired
    /// Too many failures: locked until then, or until an admin's `sealgate portal unlock` (429).
    case lockedOut(until: Date)
    /// Too many codes or sign-ins asked for in the hour (429).
    case rateLimited
    /// A form without its session's CSRF token (403).
    case csrf
    /// The stored message failed authentication: never shown, audited (500).
    case damaged
    /// A reply over the size or attachment limit (413).
    case tooLarge
    case passwordTooShort
    case passwordMismatch
    /// A wrong password at sign-in (counts toward the lockout like a wrong code).
    case wrongPassword
    case badForm(String)

    /// The HTTP status the page for this error carries.
    public var httpStatus: Int {
        switch self {
        case .invalidLink: return 404
        case .gone: return 410
        case .wrongCode, .codeExpired, .passwordTooShort, .passwordMismatch, .wrongPassword, .badForm: return 400
        case .lockedOut, .rateLimited: return 429
        case .csrf: return 403
        case .damaged: return 500
        case .tooLarge: return 413
        }
    }
}
