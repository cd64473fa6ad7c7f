// RNPKey: one rnp key handle (a primary key or a subkey) and the facts Sealgate reads from it:
// fingerprint, user IDs, usage, revocation and the time it is valid until (rnp_key_valid_till64).

import CRNP
import Foundation

final class RNPKey {
    let handle: rnp_key_handle_t
    /// The context whose keyrings the handle points into: held so it outlives every key made from it.
    let context: RNPContext

    init(_ handle: rnp_key_handle_t, context: RNPContext) {
        self.handle = handle
        self.context = context
    }
    deinit { rnp_key_handle_destroy(handle) }

    var fingerprint: String {
        get throws {
            var out: UnsafeMutablePointer<CChar>?
            try PGPError.check(rnp_key_get_fprint(handle, &out), "rnp_key_get_fprint")
            return RNPContext.takeString(out) ?? ""
        }
    }

    var isPrimary: Bool { get throws { try flag(rnp_key_is_primary, "rnp_key_is_primary") } }
    var isRevoked: Bool { get throws { try flag(rnp_key_is_revoked, "rnp_key_is_revoked") } }
    var hasSecret: Bool { get throws { try flag(rnp_key_have_secret, "rnp_key_have_secret") } }
    var isProtected: Bool { get throws { try flag(rnp_key_is_protected, "rnp_key_is_protected") } }

    func allows(_ usage: String) throws -> Bool {
        var result = false
        try PGPError.check(rnp_key_allows_usage(handle, usage, &result), "rnp_key_allows_usage")
        return result
    }

    /// The end of the key's validity (expiry or revocation; for a subkey also its primary's), nil
    /// when it never expires. A key that was never valid (no good self-signature) gives the epoch.
    var validUntil: Date? {
        get throws {
            var till: UInt64 = 0
            try PGPError.check(rnp_key_valid_till64(handle, &till), "rnp_key_valid_till64")
            if till == UInt64.max { return nil }
            return Date(timeIntervalSince1970: TimeInterval(till))
        }
    }

    var subkeys: [RNPKey] {
        get throws {
            var count = 0
            try PGPError.check(rnp_key_get_subkey_count(handle, &count), "rnp_key_get_subkey_count")
            return try (0..<count).map { index in
                var sub: rnp_key_handle_t?
                try PGPError.check(rnp_key_get_subkey_at(handle, index, &sub), "rnp_key_get_subkey_at")
                guard let sub else { throw PGPError.rnp(call: "rnp_key_get_subkey_at", name: "RNP_ERROR_NULL_POINTER", message: "no subkey") }
                return RNPKey(sub, context: context)
            }
        }
    }

    /// The textual user IDs that are valid (good self-signature) and not revoked; photo IDs skipped.
    var validUserIDs: [String] {
        get throws {
            var count = 0
            try PGPError.check(rnp_key_get_uid_count(handle, &count), "rnp_key_get_uid_count")
            var out: [String] = []
            for index in 0..<count {
                var uid: rnp_uid_handle_t?
                try PGPError.check(rnp_key_get_uid_handle_at(handle, index, &uid), "rnp_key_get_uid_handle_at")
                guard let uid else { continue }
                defer { rnp_uid_handle_destroy(uid) }
                var type: UInt32 = 0, valid = false, revoked = false
                try PGPError.check(rnp_uid_get_type(uid, &type), "rnp_uid_get_type")
                try PGPError.check(rnp_uid_is_valid(uid, &valid), "rnp_uid_is_valid")
                try PGPError.check(rnp_uid_is_revoked(uid, &revoked), "rnp_uid_is_revoked")
                guard type == sealgate_rnp_user_id, valid, !revoked else { continue }
                var text: UnsafeMutablePointer<CChar>?
                try PGPError.check(rnp_key_get_uid_at(handle, index, &text), "rnp_key_get_uid_at")
                if let s = RNPContext.takeString(text) { out.append(s) }
            }
            return out
        }
    }

    private func flag(_ call: (rnp_key_handle_t?, UnsafeMutablePointer<Bool>?) -> rnp_result_t, _ name: String) throws -> Bool {
        var result = false
        try PGPError.check(call(handle, &result), name)
        return result
    }
}
