// RecipientKeyStore lookup: the key to encrypt to for one address and kind at `now` (never an
// expired or not-yet-valid one; the one valid longest wins), or one line on why there is none.

import Crypto
import Foundation
import MailCore
import SafeIO

/// The outcome of `RecipientKeyStore.usableKey`.
public enum RecipientKeyLookup: Equatable, Sendable {
    /// The entry chosen and its key file's bytes (DER certificate or OpenPGP key).
    case usable(KeyEntry, [UInt8])
    /// Why no key can be used ("no certificate on file", "certificate … expired 2026-10-01").
    case unavailable(String)

    /// The entry and bytes when usable, else nil.
    public var key: (entry: KeyEntry, bytes: [UInt8])? {
        if case let .usable(entry, bytes) = self { return (entry, bytes) }
        return nil
    }
}

extension RecipientKeyStore {
    public func usableKey(for address: MailAddress, kind: RecipientKeyKind, now: Date) throws -> RecipientKeyLookup {
        let onFile = try entries(for: address).filter { $0.kind == kind }
        guard !onFile.isEmpty else { return .unavailable("no \(kind.noun) on file") }
        // Longest-lived first; one that never expires (nil) beats any date.
        let valid = onFile.filter { $0.isValid(at: now) }.sorted { a, b in
            guard let x = a.notAfter else { return b.notAfter != nil }
            guard let y = b.notAfter else { return false }
            return x > y
        }
        var firstProblem: String?
        for entry in valid {
            switch try keyBytes(entry, now: now) {
            case .success(let bytes): return .usable(entry, bytes)
            case .failure(let problem): firstProblem = firstProblem ?? problem.text
            }
        }
        if let firstProblem { return .unavailable(firstProblem) }
        return .unavailable(Self.invalidReason(onFile, now: now))
    }

    /// Why none of `entries` is valid at `now`: the one that becomes valid soonest, else the last to expire.
    static func invalidReason(_ entries: [KeyEntry], now: Date) -> String {
        if let future = entries.filter({ ($0.notBefore ?? now) > now }).min(by: { ($0.notBefore ?? now) < ($1.notBefore ?? now) }),
           let notBefore = future.notBefore {
            return "\(future.kind.noun) \(future.fingerprint) not valid before \(KeyDates.day(notBefore))"
        }
        let expired = entries.compactMap { e in e.notAfter.map { (e, $0) } }.max { $0.1 < $1.1 }
        guard let (entry, until) = expired else { return "no valid \(entries.first?.kind.noun ?? "key") on file" }
        return "\(entry.kind.noun) \(entry.fingerprint) expired \(KeyDates.day(until))"
    }

    struct KeyFileProblem: Error { let text: String }

    /// The entry's key file, checked against its fingerprint (a file swapped or damaged on disk is
    /// not used); an OpenPGP key is also re-inspected at `now`.
    func keyBytes(_ entry: KeyEntry, now: Date) throws -> Result<[UInt8], KeyFileProblem> {
        let path = directory + "/" + entry.fileName
        guard let bytes = try io({ try SafeIO.read(path) }) else {
            return .failure(KeyFileProblem(text: "\(entry.kind.noun) \(entry.fingerprint): key file missing"))
        }
        let mismatch = KeyFileProblem(text: "\(entry.kind.noun) \(entry.fingerprint): key file does not match its fingerprint")
        switch entry.kind {
        case .smime:
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            guard digest == entry.fingerprint else { return .failure(mismatch) }
        case .pgp:
            // Re-read through rnp: the file is the key filed, and it still has a valid encryption subkey now.
            guard let info = try? PGPKeyInspector.inspect(key: bytes, now: now), info.fingerprint == entry.fingerprint else {
                return .failure(mismatch)
            }
            if let reason = info.unusableReason {
                return .failure(KeyFileProblem(text: "\(entry.kind.noun) \(entry.fingerprint): \(reason)"))
            }
        }
        return .success(bytes)
    }
}
