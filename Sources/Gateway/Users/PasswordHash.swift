// Password hashing for the user store: PBKDF2-HMAC-SHA256, 600,000 rounds, 16-byte random salt,
// stored as `pbkdf2-sha256$600000$<b64 salt>$<b64 hash>` and compared in constant time.
import Crypto
import Foundation
import _CryptoExtras

enum PasswordHash {
    static let scheme = "pbkdf2-sha256"
    static let iterations = 600_000
    static let saltBytes = 16
    static let hashBytes = 32

    /// A new encoded hash of `password` with a fresh random salt.
    static func make(password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let hash = try derive(password: password, salt: salt, rounds: iterations)
        return [scheme, String(iterations), Data(salt).base64EncodedString(), Data(hash).base64EncodedString()]
            .joined(separator: "$")
    }

    /// True when `password` matches `encoded`. A malformed or weaker-than-policy record never matches.
    static func verify(password: String, encoded: String) throws -> Bool {
        guard let parsed = parse(encoded) else { return false }
        let candidate = try derive(password: password, salt: parsed.salt, rounds: parsed.rounds)
        return constantTimeEqual(candidate, parsed.hash)
    }

    /// Burns the same time as a real check, so unknown user names cannot be told apart by timing.
    static func dummyVerify(password: String) throws {
        _ = try derive(password: password, salt: [UInt8](repeating: 0, count: saltBytes), rounds: iterations)
    }

    static func parse(_ encoded: String) -> (rounds: Int, salt: [UInt8], hash: [UInt8])? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme, let rounds = Int(parts[1]),
              (iterations...10_000_000).contains(rounds),
              let salt = Data(base64Encoded: String(parts[2])), salt.count >= saltBytes,
              let hash = Data(base64Encoded: String(parts[3])), hash.count == hashBytes else { return nil }
        return (rounds, Array(salt), Array(hash))
    }

    private static func derive(password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: hashBytes, rounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
