// PostgresTLSObservationStore: the TLS observations (and the ratchet on them) in the shared store,
// so a downgrade seen by one node ratchets every node. One UPSERT per connection keeps the stronger.

import Foundation
import MailCore
import PostgresNIO
import TLSPolicy

public final class PostgresTLSObservationStore: TLSObservationStoring, @unchecked Sendable {
    private let database: SharedStoreDatabase
    public let ratchet: Bool
    public let expiry: TimeInterval
    private let clock: WallClock

    public init(database: SharedStoreDatabase, ratchet: Bool = false, expiry: TimeInterval = 30 * 86400, clock: WallClock) {
        self.database = database; self.ratchet = ratchet; self.expiry = expiry; self.clock = clock
    }

    /// One statement: two nodes writing at once both go through the row's conflict check, so the
    /// stronger observation (TLSRatchet.replaces, in SQL) stays, whichever commits last.
    public func record(domain: String, mxHost: String, facts: TLSFacts?, certificateExpires: Date?) throws {
        let seen = TLSObservation(domain: domain.normalizedDomain, mxHost: mxHost.normalizedDomain, facts: facts,
                                  certificateExpires: certificateExpires, seen: clock.now())
        let (strengthClass, strengthVersion) = seen.strength
        let expiry = self.expiry
        try database.call("recording a TLS observation") { client in
            _ = try await client.query("""
                INSERT INTO tls_observations AS t (domain, mx_host, best_version, cipher, verification, trust, last_seen,
                                                   certificate_expires, strength_class, strength_version)
                VALUES (\(seen.domain), \(seen.mxHost), \(seen.bestVersion), \(seen.cipher), \(seen.verification),
                        \(seen.trust), \(seen.lastSeen), \(seen.certificateExpires), \(strengthClass), \(strengthVersion))
                ON CONFLICT (domain, mx_host) DO UPDATE SET
                    best_version = EXCLUDED.best_version, cipher = EXCLUDED.cipher, verification = EXCLUDED.verification,
                    trust = EXCLUDED.trust, last_seen = EXCLUDED.last_seen, certificate_expires = EXCLUDED.certificate_expires,
                    strength_class = EXCLUDED.strength_class, strength_version = EXCLUDED.strength_version
                WHERE (EXCLUDED.strength_class, EXCLUDED.strength_version) >= (t.strength_class, t.strength_version)
                   OR EXCLUDED.last_seen > t.last_seen + make_interval(secs => \(expiry))
                """)
        }
    }

    public func observations(domain: String) throws -> [TLSObservation] {
        let name = domain.normalizedDomain
        return try database.call("reading TLS observations") { client in
            let rows = try await client.query("""
                SELECT mx_host, best_version, cipher, verification, trust, last_seen, certificate_expires
                FROM tls_observations WHERE domain = \(name) ORDER BY mx_host
                """)
            var out: [TLSObservation] = []
            for try await (host, version, cipher, verification, trust, seen, expires)
                    in rows.decode((String, String?, String?, String, String?, Date, Date?).self) {
                out.append(TLSObservation(domain: name, mxHost: host, bestVersion: version, cipher: cipher,
                                          verification: verification, trust: trust, lastSeen: seen, certificateExpires: expires))
            }
            return out
        }
    }

    public func forget(domain: String) throws {
        let name = domain.normalizedDomain
        try database.call("forgetting TLS observations") { client in
            _ = try await client.query("DELETE FROM tls_observations WHERE domain = \(name)")
        }
    }

    public func ratchetRequirement(domain: String) throws -> TLSRequirement? {
        guard ratchet else { return nil }
        return TLSRatchet.requirement(from: try observations(domain: domain), now: clock.now(), expiry: expiry)
    }
}
