// A TTL cache in front of any Resolver: answers (negative ones included) are kept until their TTL
// runs out, capped at a day; temporary failures for 5 s; identical lookups under way share one query.
import Foundation
import MailCore
import NIOConcurrencyHelpers

public final class CachingResolver: Resolver {
    static let maxTTL: UInt32 = 86_400
    /// A temporary failure (timeout, SERVFAIL, REFUSED) is served from the cache this long, as
    /// Postfix and unbound briefly cache SERVFAIL: a stalled resolver then costs one 5 s exchange
    /// per name and type every few seconds, not one per recipient. Bogus and malformed are not cached.
    static let temporaryFailureTTL: TimeInterval = 5

    private struct Key: Hashable {
        var type: UInt16
        var name: String
    }

    private struct Entry {
        var result: Result<any Sendable, DNSError>   // a DNSAnswer<R> for the key's type, or a temporary failure
        var expires: Date
    }

    private let upstream: Resolver
    private let maxEntries: Int
    private let clock: WallClock
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    /// Upstream queries under way, so concurrent callers for one name and type share one query.
    private let inFlight = NIOLockedValueBox<[Key: Task<any Sendable, Error>]>([:])

    public init(_ upstream: Resolver, maxEntries: Int = 10000, clock: WallClock) {
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
                                     fetch: @escaping @Sendable () async throws -> DNSAnswer<R>) async throws -> DNSAnswer<R> {
        let key = Key(type: type, name: Self.canonical(name))
        if let hit: Result<DNSAnswer<R>, DNSError> = lookUpCache(key) { return try hit.get() }
        let task: Task<any Sendable, Error> = inFlight.withLockedValue { tasks in
            if let running = tasks[key] { return running }
            let task = Task<any Sendable, Error> { try await self.query(key, fetch: fetch) }
            tasks[key] = task
            return task
        }
        defer {
            inFlight.withLockedValue { tasks in
                if tasks[key] == task { tasks[key] = nil }
            }
        }
        guard let answer = try await task.value as? DNSAnswer<R> else {
            throw DNSError.malformed("\(name): cached answer of another type")
        }
        return answer
    }

    /// The cached answer or temporary failure for `key`, if it has not expired.
    private func lookUpCache<R: Sendable>(_ key: Key) -> Result<DNSAnswer<R>, DNSError>? {
        let now = clock.now()
        return entries.withLockedValue { table in
            guard let entry = table[key], entry.expires > now else {
                table[key] = nil
                return nil
            }
            switch entry.result {
            case .failure(let error):
                return .failure(error)
            case .success(let stored):
                guard var answer = stored as? DNSAnswer<R> else {
                    table[key] = nil
                    return nil
                }
                // Hand out the TTL that remains, as a caching resolver would.
                answer.ttl = UInt32(max(0, entry.expires.timeIntervalSince(now)).rounded(.up))
                return .success(answer)
            }
        }
    }

    /// One upstream query; its answer is stored for its TTL, a temporary failure for 5 s.
    private func query<R: Sendable>(_ key: Key, fetch: () async throws -> DNSAnswer<R>) async throws -> DNSAnswer<R> {
        let answer: DNSAnswer<R>
        do {
            answer = try await fetch()
        } catch let error as DNSError {
            if case .temporary = error { store(key, .failure(error), for: Self.temporaryFailureTTL) }
            throw error   // bogus and malformed propagate and are not cached
        }
        let ttl = min(answer.ttl, Self.maxTTL)
        if ttl > 0 { store(key, .success(answer), for: TimeInterval(ttl)) }
        return answer
    }

    private func store(_ key: Key, _ result: Result<any Sendable, DNSError>, for seconds: TimeInterval) {
        let stored = clock.now()
        entries.withLockedValue { table in
            if table[key] == nil && table.count >= maxEntries { Self.makeRoom(&table, now: stored, limit: maxEntries) }
            table[key] = Entry(result: result, expires: stored.addingTimeInterval(seconds))
        }
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
