// One fuzz input for the OpenPGP key path: untrusted bytes through KeyFormat and the key inspector
// (librnp); shared by the libFuzzer target and the corpus replay test.

import Foundation

public enum PGPInputFuzzEntry {
    /// A fixed time, so a corpus key's verdict never changes with the clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Traps if a key comes back without a fingerprint, usable without an encryption subkey, or
    /// with an error the inspector does not promise.
    public static func run(_ bytes: [UInt8]) -> PGPKeyInfo? {
        _ = KeyFormat.detect(bytes)
        do {
            let info = try PGPKeyInspector.inspect(key: bytes, now: now)
            precondition(!info.fingerprint.isEmpty, "a key without a fingerprint")
            if info.isUsable { precondition(info.encryptionKeyFingerprint != nil, "usable without an encryption subkey") }
            return info
        } catch is PGPError {
            return nil
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}
