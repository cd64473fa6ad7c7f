// PortalPasswordHash: the slow, memory-hard hash of a recipient's password (scrypt, RFC 7914, from
// swift-crypto's CryptoExtras), with its parameters kept in each recipient record so they can be raised.

import Crypto
import _CryptoExtras
import Foundation

/// scrypt's cost: N = 2^log2Rounds, r = blockSize, p = parallelism; memory is 128·N·r bytes.
///
/// swift-crypto offers PBKDF2 and scrypt (no Argon2); scrypt is the stronger of the two against
/// GPU and ASIC guessing because each guess needs its full memory.
public struct PortalPasswordHash: Codable, Sendable, Equatable {
    public var log2Rounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// N = 2^17, r = 8, p = 1: 128 MiB per hash (OWASP's Password Storage Cheat Sheet's scrypt
    /// setting); about 0.35 s of CPU with optimised code on the development machine (`openssl kdf`),
    /// several times more in a debug build. Callers run it off the event loops and bound how many run at once.
    public static let recommended = PortalPasswordHash(log2Rounds: 17, blockSize: 8, parallelism: 1)

    public init(log2Rounds: Int, blockSize: Int, parallelism: Int) {
        self.log2Rounds = log2Rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The bytes of memory one hash takes.
    public var memoryBytes: Int { 128 * (1 << log2Rounds) * blockSize }

    /// Parameters the store accepts, also when read back from a record: N from 2^10 to 2^22, r up to
    /// 32, p up to 16, at most 1 GiB, so a changed record cannot make a login exhaust the node's memory.
    public var isWithinLimits: Bool {
        (10...22).contains(log2Rounds) && (1...32).contains(blockSize) && (1...16).contains(parallelism)
            && memoryBytes <= 1 << 30
    }

    /// The 32-byte scrypt output for `password` (its Unicode NFC form in UTF-8, so the same password
    /// typed on two keyboards hashes the same) and `salt`.
    func stretch(_ password: String, salt: [UInt8]) throws -> [UInt8] {
        let text = Array(password.precomposedStringWithCanonicalMapping.utf8)
        let key = try KDF.Scrypt.deriveKey(from: text, salt: salt, outputByteCount: 32, rounds: 1 << log2Rounds,
                                           blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { [UInt8]($0) }
    }
}
