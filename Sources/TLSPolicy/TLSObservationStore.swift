// TLSObservationStore: per-domain TLS observations on disk (one JSON file per domain, 0600, in a
// 0700 directory, replaced atomically), and the optional no-downgrade ratchet built on them.

import Foundation
import MailCore
import NIOConcurrencyHelpers
import SafeIO

public final class TLSObservationStore: @unchecked Sendable {
    public let directory: String
    public let ratchet: Bool
    public let expiry: TimeInterval
    private let clock: WallClock
    private let lock = NIOLock()

    public init(directory: String, ratchet: Bool = false, expiry: TimeInterval = 30 * 86400,
                clock: WallClock) throws {
        self.directory = directory; self.ratchet = ratchet; self.expiry = expiry; self.clock = clock
        try SafeIO.makeDirectory(directory, mode: 0o700, parents: true, tighten: true)
    }

    /// Records one connection to `mxHost` (nil facts = plaintext). The stored entry for that MX is
    /// replaced when the new one is at least as strong, or when the stored best has expired.
    public func record(domain: String, mxHost: String, facts: TLSFacts?, certificateExpires: Date?) throws {
        let name = domain.normalizedDomain, host = mxHost.normalizedDomain
        let now = clock.now()
        let seen = TLSObservation(domain: name, mxHost: host, facts: facts, certificateExpires: certificateExpires, seen: now)
        try lock.withLock {
            var all = try load(name)
            if let i = all.firstIndex(where: { $0.mxHost == host }) {
                if seen.strength >= all[i].strength || isExpired(all[i], now: now) { all[i] = seen }
            } else {
                all.append(seen)
            }
            try save(name, all)
        }
    }

    /// Every stored observation for the domain, expired ones included, sorted by MX host.
    public func observations(domain: String) throws -> [TLSObservation] {
        try lock.withLock { try load(domain.normalizedDomain) }
    }

    /// Drops everything known about the domain (`sealgate probe --forget`).
    public func forget(domain: String) throws {
        try lock.withLock { try SafeIO.remove(path(for: domain.normalizedDomain), syncDirectory: true) }
    }

    /// With the ratchet on: the least a delivery to this domain may accept, given the verified TLS
    /// its MX hosts showed within `expiry`. Nil when the ratchet is off or nothing verified is on record.
    /// Several MX hosts: the union of their trust families and the lowest of their versions, so a
    /// backup MX that was seen verified too is not locked out.
    public func ratchetRequirement(domain: String) throws -> TLSRequirement? {
        guard ratchet else { return nil }
        let now = clock.now()
        let proven = try observations(domain: domain)
            .filter { !isExpired($0, now: now) }
            .compactMap(\.provenRequirement)
        guard !proven.isEmpty else { return nil }
        let trust = proven.reduce(into: Set<TrustSource>()) { $0.formUnion($1.authenticatedBy) }
        let versions = proven.map(\.minimumVersion)
        let version = versions.contains(where: { $0 == nil }) ? nil : versions.compactMap { $0 }.min()
        return TLSRequirement(encrypted: true, authenticatedBy: trust, minimumVersion: version)
    }

    private func isExpired(_ observation: TLSObservation, now: Date) -> Bool {
        now.timeIntervalSince(observation.lastSeen) > expiry
    }

    // MARK: files

    private func path(for domain: String) -> String {
        "\(directory)/\(Self.fileName(for: domain))"
    }

    /// `example.com` -> `example.com.json`; anything outside [a-z0-9.-_] is %XX-escaped, and a
    /// leading dot too, so a name can never leave the directory or hide as a dot file.
    static func fileName(for domain: String) -> String {
        var out = ""
        for (i, byte) in domain.utf8.enumerated() {
            let c = Character(Unicode.Scalar(byte))
            let safe = (c.isLetter && c.isASCII) || (c.isNumber && c.isASCII) || c == "-" || c == "_" || (c == "." && i > 0)
            out += safe ? String(c) : String(format: "%%%02X", byte)
        }
        return (out.isEmpty ? "%00" : out) + ".json"
    }

    private func load(_ domain: String) throws -> [TLSObservation] {
        guard let bytes = try SafeIO.read(path(for: domain)) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([TLSObservation].self, from: Data(bytes))
    }

    private func save(_ domain: String, _ observations: [TLSObservation]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(observations.sorted { $0.mxHost < $1.mxHost })
        try SafeIO.writeFile(path(for: domain), [UInt8](data), mode: 0o600)
    }
}
