// MTA-STS discovery for one recipient domain (RFC 8461 §3–5): the `_mta-sts` TXT record through
// our Resolver, the injected policy fetch, and the cache rules of §5.1 (keep an unexpired policy).
import DNS
import Foundation
import Logging
import MailCore
import NIOConcurrencyHelpers
import NIOPosix

/// What MTA-STS says about a domain.
///
/// - `none`: the domain publishes no usable STSv1 record and nothing is cached.
/// - `policy`: the policy to apply (mode `none` included); fresh or from the cache.
/// - `temporaryFailure`: the TXT lookup failed, or a valid record points at a policy that could
///   not be fetched, and nothing is cached. RFC 8461 §3.3/§5 lets a sender then deliver as if
///   the domain had no MTA-STS; this client reports the failure instead of deciding, so the
///   planner can choose (deliver as `none` per the RFC, or defer when local policy demands
///   authenticated TLS).
public enum MTASTSLookup: Sendable, Equatable {
    case none
    case policy(MTASTSPolicy)
    case temporaryFailure(String)
}

public final class MTASTSClient: @unchecked Sendable {
    private let resolver: DNS.Resolver
    private let fetcher: MTASTSPolicyFetching
    private let cache: any MTASTSPolicyCache
    private let logger: Logger
    private let clock: WallClock
    /// Lookups under way, so concurrent callers for one domain share a single fetch.
    private let inFlight = NIOLockedValueBox<[String: Task<MTASTSLookup, Never>]>([:])

    /// `fetcher` gets policy texts (`MTASTSFetcher` over HTTPS); `clock` decides max_age expiry.
    /// Without `cacheDirectory` policies are cached in memory only; the cache's file reads and
    /// writes run on `pool` (owned by the caller, shut down after `shutdown()`).
    public convenience init(resolver: DNS.Resolver, fetcher: MTASTSPolicyFetching, cacheDirectory: String?, pool: NIOThreadPool,
                            logger: Logger, clock: WallClock) {
        self.init(resolver: resolver, fetcher: fetcher, cache: MTASTSCache(directory: cacheDirectory, pool: pool, logger: logger),
                  logger: logger, clock: clock)
    }

    /// The same with another cache (several nodes: the shared one on PostgreSQL).
    public init(resolver: DNS.Resolver, fetcher: MTASTSPolicyFetching, cache: any MTASTSPolicyCache, logger: Logger,
                clock: WallClock) {
        self.resolver = resolver
        self.fetcher = fetcher
        self.logger = logger
        self.clock = clock
        self.cache = cache
    }

    public func policy(for domain: String) async -> MTASTSLookup {
        let domain = domain.normalizedDomain
        guard MTASTSNames.isValidHostName(domain) else { return .none }
        let task: Task<MTASTSLookup, Never> = inFlight.withLockedValue { tasks in
            if let running = tasks[domain] { return running }
            let task = Task { await self.lookUp(domain) }
            tasks[domain] = task
            return task
        }
        let result = await task.value
        inFlight.withLockedValue { tasks in
            if tasks[domain] == task { tasks[domain] = nil }
        }
        return result
    }

    /// Waits for lookups under way (before the fetcher's event loop group is shut down).
    public func shutdown() async {
        let tasks = inFlight.withLockedValue { Array($0.values) }
        for task in tasks { _ = await task.value }
    }

    private func lookUp(_ domain: String) async -> MTASTSLookup {
        let cached = await cache.entry(for: domain).flatMap { $0.isValid(at: clock.now()) ? $0 : nil }
        let txtID: String
        switch await recordID(for: domain) {
        case .failure(let failure):
            if let cached { return keep(cached, because: failure.description) }
            return .temporaryFailure(failure.description)
        case .success(nil):
            if let cached { return keep(cached, because: "no STSv1 record") }
            return .none
        case .success(let id?):
            txtID = id
        }
        if let cached, cached.txtID == txtID { return .policy(cached.policy) }
        do {
            let addresses = try await policyHostAddresses(domain)
            var policy = try Self.parse(try await fetcher.policyText(domain: domain, addresses: addresses))
            policy.id = txtID
            await cache.store(MTASTSCacheEntry(domain: domain, policy: policy, txtID: txtID, fetchedAt: clock.now()))
            logger.info("mta-sts policy fetched", metadata: ["domain": "\(domain)", "id": "\(txtID)",
                                                              "mode": "\(policy.mode.rawValue)", "max_age": "\(policy.maxAge)"])
            return .policy(policy)
        } catch {
            let reason = "mta-sts.\(domain): \(error)"
            if let cached { return keep(cached, because: reason) }
            logger.warning("mta-sts policy fetch failed", metadata: ["domain": "\(domain)", "error": "\(error)"])
            return .temporaryFailure(reason)
        }
    }

    private static func parse(_ text: String) throws -> MTASTSPolicy {
        do {
            return try MTASTSParser.parsePolicy(text)
        } catch let error as MTASTSParseError {
            throw MTASTSFetchError.badPolicy(error)
        }
    }

    private func keep(_ entry: MTASTSCacheEntry, because reason: String) -> MTASTSLookup {
        logger.info("mta-sts keeping cached policy", metadata: ["domain": "\(entry.domain)", "id": "\(entry.txtID)",
                                                                "reason": "\(reason)"])
        return .policy(entry.policy)
    }

    /// The id of the single valid STSv1 record (RFC 8461 §3.1), nil when there is none or more
    /// than one, or a failure text when DNS could not answer.
    private func recordID(for domain: String) async -> Result<String?, MTASTSTXTFailure> {
        let answer: DNSAnswer<String>
        do {
            answer = try await resolver.txt("_mta-sts." + domain)
        } catch {
            return .failure(MTASTSTXTFailure(description: "_mta-sts.\(domain) TXT lookup failed: \(error)"))
        }
        guard answer.status != .bogus else {
            return .failure(MTASTSTXTFailure(description: "_mta-sts.\(domain) TXT answer is DNSSEC-bogus"))
        }
        let candidates = answer.records.filter(MTASTSParser.isSTSv1Record)
        guard candidates.count == 1 else { return .success(nil) }
        return .success(MTASTSParser.parseRecord(candidates[0]))
    }

    private func policyHostAddresses(_ domain: String) async throws -> [String] {
        let answer = try await resolver.addresses("mta-sts." + domain)
        return answer.records.map { $0.description }
    }
}

struct MTASTSTXTFailure: Error, CustomStringConvertible {
    var description: String
}
