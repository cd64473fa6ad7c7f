// KeyAvailability: what the recipient key store answers for one address and one method (S/MIME
// or PGP): a usable key, none on file, expired, or unusable. The method ladder decides from it.

import Foundation

public enum KeyAvailability: Sendable, Hashable, Codable {
    /// A valid key is on file; `keyID` names it for the trace (e.g. "0xABCD1234" or a certificate serial).
    case available(keyID: String)
    case missing
    /// The key on file expired at `on` (never used: the recipient moves to the next rung).
    case expired(keyID: String, on: Date)
    /// A key is on file but cannot encrypt (wrong usage, revoked, unreadable), with the reason.
    case unusable(reason: String)

    public var isAvailable: Bool {
        if case .available = self { return true }
        return false
    }
}
