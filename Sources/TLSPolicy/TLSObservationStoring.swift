// TLSObservationStoring: what delivery, the probe and `probe --forget` ask of the TLS observations,
// kept in files (TLSObservationStore) or shared by several nodes (SharedStore's PostgreSQL store).

import Foundation
import MailCore

public protocol TLSObservationStoring: Sendable {
    /// Records one connection to `mxHost` (nil facts = plaintext); the stored entry only ratchets
    /// upward, unless the stored best has expired.
    func record(domain: String, mxHost: String, facts: TLSFacts?, certificateExpires: Date?) throws
    /// Every stored observation for the domain, expired ones included, sorted by MX host.
    func observations(domain: String) throws -> [TLSObservation]
    /// Drops everything known about the domain (`sealgate probe --forget`).
    func forget(domain: String) throws
    /// With the ratchet on: the least a delivery to this domain may accept (nil: anything the level allows).
    func ratchetRequirement(domain: String) throws -> TLSRequirement?
}

/// The ratchet's rules, the same for every store.
public enum TLSRatchet {
    /// Whether `new` replaces `stored`: at least as strong, or the stored best has expired.
    public static func replaces(_ new: TLSObservation, _ stored: TLSObservation, expiry: TimeInterval) -> Bool {
        new.strength >= stored.strength || new.lastSeen.timeIntervalSince(stored.lastSeen) > expiry
    }

    /// The verified TLS the domain's MX hosts showed within `expiry`: the union of their trust
    /// families and the lowest of their versions, so a backup MX that was seen verified too is not
    /// locked out. Nil when nothing verified is on record.
    public static func requirement(from observations: [TLSObservation], now: Date, expiry: TimeInterval) -> TLSRequirement? {
        let proven = observations
            .filter { now.timeIntervalSince($0.lastSeen) <= expiry }
            .compactMap(\.provenRequirement)
        guard !proven.isEmpty else { return nil }
        let trust = proven.reduce(into: Set<TrustSource>()) { $0.formUnion($1.authenticatedBy) }
        let versions = proven.map(\.minimumVersion)
        let version = versions.contains(where: { $0 == nil }) ? nil : versions.compactMap { $0 }.min()
        return TLSRequirement(encrypted: true, authenticatedBy: trust, minimumVersion: version)
    }
}
