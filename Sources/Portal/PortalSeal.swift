// PortalSeal: AES-256-GCM as the portal uses it everywhere (message bodies, wrapped keys, records):
// a random 96-bit nonce from the injected source, a context string as associated data, fail closed.

import Crypto
import Foundation

enum PortalSeal {
    /// The associated data for one use: "sealgate-portal v1 <use>", a zero byte, then the fixed-length
    /// values bound in (message id, recipient key id, ...), so a sealed value opens only where it was made.
    static func context(_ use: String, _ bound: [UInt8]...) -> [UInt8] {
        Array("sealgate-portal v1 \(use)".utf8) + [0] + bound.flatMap { $0 }
    }

    /// nonce (12) ‖ ciphertext ‖ tag (16).
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, context: [UInt8],
                     randomness: any PortalRandomness) throws -> [UInt8] {
        let nonce = try AES.GCM.Nonce(data: randomness.bytes(12))
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: context)
        guard let combined = box.combined else { throw PortalStoreError.internalFailure("AES-GCM gave no combined form") }
        return [UInt8](combined)
    }

    /// The plaintext, or nil when `sealed` was not made by `seal` with this key and context (tampered,
    /// truncated, moved, or the wrong key): the caller says which error that is.
    static func open(_ sealed: [UInt8], key: SymmetricKey, context: [UInt8]) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plain = try? AES.GCM.open(box, using: key, authenticating: context) else { return nil }
        return [UInt8](plain)
    }

    /// Compares two secrets-derived values in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension SymmetricKey {
    /// The key's bytes split at `index` into two keys' worth of material.
    func split(at index: Int) -> ([UInt8], [UInt8]) {
        let all = withUnsafeBytes { [UInt8]($0) }
        return (Array(all[..<index]), Array(all[index...]))
    }
}
