// PGPSigningKey: the organisation's OpenPGP secret key, checked once through librnp (one unprotected
// secret key that can sign and is not revoked) with its fingerprint and the end of its validity.

import Foundation

public struct PGPSigningKey: Sendable {
    /// The key as given (armored or binary): what `PGPEncryptor.encrypt(signingKey:)` takes.
    public let secretKey: [UInt8]
    /// The primary key's fingerprint, upper-case hex.
    public let fingerprint: String
    /// When the last signing-capable key (primary or subkey) stops being valid; nil: never.
    public let validUntil: Date?

    /// Refuses (`PGPError.notASigningKey`, `.signingKeyProtected`) anything but one unprotected
    /// secret key whose primary or a subkey may sign and is not revoked. Blocks: rnp work.
    public init(secretKey: [UInt8]) throws {
        let context = try RNPContext()
        let primary = try PGPEncryptor.loadSigner(secretKey, into: context)
        if try primary.isRevoked { throw PGPError.notASigningKey("the key is revoked") }
        var signing: [RNPKey] = []
        for key in try [primary] + primary.subkeys where try key.allows("sign") && !key.isRevoked && key.hasSecret {
            signing.append(key)
        }
        guard !signing.isEmpty else { throw PGPError.notASigningKey("neither the primary key nor a subkey may sign") }
        var until: Date? = Date(timeIntervalSince1970: 0)
        for key in signing {
            guard let end = try key.validUntil else { until = nil; break }
            until = until.map { max($0, end) }
        }
        self.secretKey = secretKey
        fingerprint = try primary.fingerprint
        validUntil = until
    }

    /// Why the key cannot sign at `now` ("expired 2026-10-01"); nil when it can.
    public func validityProblem(at now: Date) -> String? {
        guard let validUntil else { return nil }
        if validUntil.timeIntervalSince1970 == 0 { return "no valid self-signature" }
        return validUntil <= now ? "expired \(PGPDates.day(validUntil))" : nil
    }
}
