// PGPKeyInspector: reads one OpenPGP public key (armored or binary) through librnp and says whether
// mail can be encrypted to it at a given time, and why not. Synchronous: run it on a thread pool.

import CRNP
import Foundation
import MailCore

public enum PGPKeyInspector {
    /// Inspects `key`, judging validity at `now` (not at the system's time). Throws
    /// `PGPError.notAPublicKey` for anything that is not exactly one OpenPGP public key (garbage,
    /// a message, a secret key, several keys); a key that parses but cannot be used comes back
    /// with `unusableReason` set. Blocks the calling thread: call it on the caller's thread pool.
    public static func inspect(key: [UInt8], now: Date) throws -> PGPKeyInfo {
        let kind = (try? RNPContext.guessContents(key)) ?? "unknown"
        guard kind == "public key" else {
            throw PGPError.notAPublicKey(kind == "secret key" ? "a secret key (give the public key only)" : "found \(kind) data")
        }
        let context = try RNPContext()
        let primaries: [String]
        do {
            primaries = try context.importKeys(key, secret: false)
        } catch let PGPError.rnp(_, name, _) {
            throw PGPError.notAPublicKey("rnp could not read it (\(name))")
        }
        guard primaries.count == 1, let fingerprint = primaries.first else {
            throw PGPError.notAPublicKey(primaries.isEmpty ? "no primary key" : "\(primaries.count) keys in one file (give one)")
        }
        let primary = try context.locate(fingerprint: fingerprint)
        let addresses = try PGPUserIDs.addresses(try primary.validUserIDs)
        let choice = try PGPEncryptionKeyChoice.choose(primary: primary, now: now)
        let reason = try primaryReason(primary, now: now) ?? choice.reason
            ?? (addresses.isEmpty ? "no user ID with an email address" : nil)
        return PGPKeyInfo(fingerprint: fingerprint, addresses: addresses,
                          encryptionKeyFingerprint: reason == nil ? choice.fingerprint : nil,
                          encryptionKeyExpiry: reason == nil ? choice.expiry : nil, unusableReason: reason)
    }

    /// Why the primary key itself is unusable at `now`: revoked, never valid, or expired.
    private static func primaryReason(_ primary: RNPKey, now: Date) throws -> String? {
        if try primary.isRevoked { return "revoked" }
        guard let until = try primary.validUntil else { return nil }
        if until.timeIntervalSince1970 == 0 { return "no valid self-signature" }
        return until <= now ? "expired \(PGPDates.day(until))" : nil
    }
}

/// The encryption-capable key (primary or subkey) valid at `now` that lasts longest, or why none is.
struct PGPEncryptionKeyChoice {
    var fingerprint: String?
    var expiry: Date?
    var reason: String?

    static func choose(primary: RNPKey, now: Date) throws -> PGPEncryptionKeyChoice {
        let candidates = try [primary] + primary.subkeys
        var capable = 0, revoked = 0
        var lastExpired: Date?
        var best: (fingerprint: String, expiry: Date?)?
        for key in candidates where try key.allows("encrypt") {
            capable += 1
            if try key.isRevoked { revoked += 1; continue }
            let until = try key.validUntil
            if let until, until <= now {
                if until.timeIntervalSince1970 > 0 { lastExpired = max(lastExpired ?? until, until) }
                continue
            }
            let fpr = try key.fingerprint
            if let current = best {
                // Longest-lived wins: never-expiring (nil) beats any date.
                if let currentExpiry = current.expiry {
                    if let until { if until > currentExpiry { best = (fpr, until) } } else { best = (fpr, nil) }
                }
            } else {
                best = (fpr, until)
            }
        }
        if let best { return PGPEncryptionKeyChoice(fingerprint: best.fingerprint, expiry: best.expiry, reason: nil) }
        if capable == 0 { return PGPEncryptionKeyChoice(reason: "no encryption-capable subkey") }
        if let lastExpired { return PGPEncryptionKeyChoice(reason: "encryption subkey expired \(PGPDates.day(lastExpired))") }
        if revoked == capable { return PGPEncryptionKeyChoice(reason: "encryption subkey revoked") }
        return PGPEncryptionKeyChoice(reason: "no valid encryption-capable subkey")
    }
}

/// Email addresses out of OpenPGP user IDs ("Name <addr>" or a bare "addr").
enum PGPUserIDs {
    static func addresses(_ userIDs: [String]) throws -> [MailAddress] {
        var out: [MailAddress] = []
        for uid in userIDs {
            guard let text = addressText(uid),
                  let address = try? MailAddressParser.parse(text, allowUTF8: true),
                  !out.contains(address) else { continue }
            out.append(address)
        }
        return out
    }

    static func addressText(_ uid: String) -> String? {
        if let open = uid.lastIndex(of: "<"), let close = uid[open...].firstIndex(of: ">") {
            return String(uid[uid.index(after: open)..<close])
        }
        let bare = uid.trimmingCharacters(in: .whitespaces)
        return bare.contains("@") && !bare.contains(" ") ? bare : nil
    }
}

enum PGPDates {
    /// A date as YYYY-MM-DD in UTC, as the reasons show it.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
