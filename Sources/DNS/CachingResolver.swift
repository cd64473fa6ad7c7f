// A TTL cache in front of any Resolver: answers (negative ones included) are kept until their TTL
// runs out, capped at a day; errors are never cached. Bounded: the soonest-expiring entries go first.
import Foundation
import MailCore
import NIOConcurrencyHelpers

public final class CachingResolver: Resolver {
    static let maxTTL: UInt32 = 86_400

    private struct Key: Hashable {
        var type: UInt16
        var name: String
    }

    private struct Entry {
        var answer: any Sendable   // a DNSAnswer<R> for the key's type
        var expires: Date
    }

    private let upstream: Resolver
    private let maxEntries: Int
    private let clock: WallClock
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])

    public init(_ upstream: Resolver, maxEntries: Int = 10000, clock: WallClock = SystemClock()) {
        self.upstream = upstream
        self.maxEntries = max(1, maxEntries)
        self.clock = clock
    }

    /// How many entries are held now (expired ones included until they are swept).
    public var count: Int { entries.withLockedValue { $0.count } }

    public func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> {
        try await cached(RRType.mx, domain) { try await self.upstream.mx(domain) }
    }

    public func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        // A and AAAA are fetched and cached together; 255 is not a type that can collide with them.
        try await cached(255, host) { try await self.upstream.addresses(host) }
    }

    public func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> {
        try await cached(RRType.tlsa, name) { try await self.upstream.tlsa(name) }
    }

    public func txt(_ name: String) async throws -> DNSAnswer<String> {
        try await cached(RRType.txt, name) { try await self.upstream.txt(name) }
    }

    public func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> {
        try await cached(RRType.ptr, ReverseName.of(address)) { try await self.upstream.ptr(address) }
    }

    public func cname(_ name: String) async throws -> DNSAnswer<String> {
        try await cached(RRType.cname, name) { try await self.upstream.cname(name) }
    }

    /// Forgets everything (for a configuration reload).
    public func flush() {
        entries.withLockedValue { $0.removeAll() }
    }

    private func cached<R: Sendable>(_ type: UInt16, _ name: String,
                                     fetch: () async throws -> DNSAnswer<R>) async throws -> DNSAnswer<R> {
        let key = Key(type: type, name: Self.canonical(name))
        let now = clock.now()
        let hit: DNSAnswer<R>? = entries.withLockedValue { table in
            guard let entry = table[key] else { return nil }
            guard entry.expires > now, var answer = entry.answer as? DNSAnswer<R> else {
                table[key] = nil
                return nil
            }
            // Hand out the TTL that remains, as a caching resolver would.
            answer.ttl = UInt32(max(0, entry.expires.timeIntervalSince(now)).rounded(.up))
            return answer
        }
        if let hit { return hit }

        let answer = try await fetch()   // errors propagate and are not cached
        let ttl = min(answer.ttl, Self.maxTTL)
        guard ttl > 0 else { return answer }
        let stored = clock.now()
        entries.withLockedValue { table in
            if table[key] == nil && table.count >= maxEntries { Self.makeRoom(&table, now: stored, limit: maxEntries) }
            table[key] = Entry(answer: answer, expires: stored.addingTimeInterval(TimeInterval(ttl)))
        }
        return answer
    }

    private static func canonical(_ name: String) -> String {
        var n = name.lowercased()
        if n.hasSuffix(".") { n.removeLast() }
        return n
    }

    /// Drops expired entries; if that is not enough, the soonest-expiring tenth of the table.
    private static func makeRoom(_ table: inout [Key: Entry], now: Date, limit: Int) {
        table = table.filter { $0.value.expires > now }
        guard table.count >= limit else { return }
        let victims = table.sorted { $0.value.expires < $1.value.expires }.prefix(max(1, limit / 10))
        for (key, _) in victims { table[key] = nil }
    }
}
