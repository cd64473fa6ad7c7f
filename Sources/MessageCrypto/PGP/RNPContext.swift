// RNPContext: one rnp FFI context (rnp_ffi_t) for one operation, keys loaded from memory only: no
// home directory, no agent, no keyring on disk. rnp contexts are not thread-safe: never share one.

import CRNP
import Foundation

final class RNPContext {
    let ffi: rnp_ffi_t

    init() throws {
        var made: rnp_ffi_t?
        try PGPError.check(rnp_ffi_create(&made, "GPG", "GPG"), "rnp_ffi_create")
        guard let made else { throw PGPError.rnp(call: "rnp_ffi_create", name: "RNP_ERROR_NULL_POINTER", message: "no context") }
        ffi = made
    }

    deinit { rnp_ffi_destroy(ffi) }

    /// What rnp takes the bytes to be: "public key", "secret key", "message", "signature" or "unknown".
    static func guessContents(_ bytes: [UInt8]) throws -> String {
        try RNPInput.with(bytes) { input in
            var guess: UnsafeMutablePointer<CChar>?
            try PGPError.check(rnp_guess_contents(input, &guess), "rnp_guess_contents")
            return RNPContext.takeString(guess) ?? "unknown"
        }
    }

    /// Imports the keys in `bytes` (armored or binary) and returns the primary keys' fingerprints (upper-case hex).
    func importKeys(_ bytes: [UInt8], secret: Bool) throws -> [String] {
        let flags = secret ? (sealgate_rnp_load_public | sealgate_rnp_load_secret) : sealgate_rnp_load_public
        let json: String = try RNPInput.with(bytes) { input in
            var results: UnsafeMutablePointer<CChar>?
            try PGPError.check(rnp_import_keys(ffi, input, flags, &results), "rnp_import_keys")
            return RNPContext.takeString(results) ?? "{}"
        }
        var primaries: [String] = []
        for fpr in Self.fingerprints(inImportResults: json) {
            let key = try locate(fingerprint: fpr)
            // rnp's JSON spells fingerprints in lower case; rnp_key_get_fprint (and gpg) in upper.
            let canonical = try key.fingerprint
            if try key.isPrimary, !primaries.contains(canonical) { primaries.append(canonical) }
        }
        return primaries
    }

    func locate(fingerprint: String) throws -> RNPKey {
        var handle: rnp_key_handle_t?
        try PGPError.check(rnp_locate_key(ffi, "fingerprint", fingerprint, &handle), "rnp_locate_key")
        guard let handle else { throw PGPError.rnp(call: "rnp_locate_key", name: "RNP_ERROR_KEY_NOT_FOUND", message: fingerprint) }
        return RNPKey(handle, context: self)
    }

    /// The "fingerprint" values of rnp_import_keys' JSON results ({"keys":[{"fingerprint":...}]}).
    static func fingerprints(inImportResults json: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let keys = object["keys"] as? [[String: Any]] else { return [] }
        return keys.compactMap { $0["fingerprint"] as? String }
    }

    /// Copies an rnp-allocated C string and frees it with rnp_buffer_destroy.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { rnp_buffer_destroy(pointer) }
        return String(cString: pointer)
    }
}

/// rnp inputs over Swift memory: the bytes stay alive (and unmoved) for the whole closure.
enum RNPInput {
    static func with<T>(_ bytes: [UInt8], _ body: (rnp_input_t) throws -> T) throws -> T {
        // An empty array may have no base address; rnp still gets a valid pointer, with length 0.
        let storage: [UInt8] = bytes.isEmpty ? [0] : bytes
        return try storage.withUnsafeBufferPointer { buf in
            var input: rnp_input_t?
            guard let base = buf.baseAddress else { throw PGPError.notAPublicKey("no bytes") }
            try PGPError.check(rnp_input_from_memory(&input, base, bytes.count, false), "rnp_input_from_memory")
            guard let input else { throw PGPError.rnp(call: "rnp_input_from_memory", name: "RNP_ERROR_NULL_POINTER", message: "no input") }
            defer { rnp_input_destroy(input) }
            return try body(input)
        }
    }
}
