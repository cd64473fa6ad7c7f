// TLSObservationStore: per-domain TLS observations on disk (one JSON file per domain, 0600, in a
// 0700 directory, replaced atomically), and the optional no-downgrade ratchet built on them.

import Foundation
import MailCore
import NIOConcurrencyHelpers
import SafeIO

public final class TLSObservationStore: TLSObservationStoring, @unchecked Sendable {
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
        let seen = TLSObservation(domain: name, mxHost: host, facts: facts, certificateExpires: certificateExpires, seen: clock.now())
        try lock.withLock {
            var all = try load(name)
            if let i = all.firstIndex(where: { $0.mxHost == host }) {
                if TLSRatchet.replaces(seen, all[i], expiry: expiry) { all[i] = seen }
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

    /// With the ratchet on: the least a delivery to this domain may accept (TLSRatchet's rule over
    /// the stored observations). Nil when the ratchet is off or nothing verified is on record.
    public func ratchetRequirement(domain: String) throws -> TLSRequirement? {
        guard ratchet else { return nil }
        return TLSRatchet.requirement(from: try observations(domain: domain), now: clock.now(), expiry: expiry)
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
