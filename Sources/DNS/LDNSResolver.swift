// The Resolver over libldns: blocking ldns exchanges run on the caller's thread pool; the
// RCODE and AD bit become answers, DNSSEC statuses or DNSError (SERVFAIL is never "no record").
import Foundation
import Logging
import MailCore
import NIOPosix

public final class LDNSResolver: Resolver {
    /// Negative answers are cached at most this long (RFC 2308 §5 suggests 1–3 hours).
    static let negativeTTLCap: UInt32 = 10_800

    private let endpoint: ResolverEndpoint?
    private let serverText: String
    private let mode: DNSSECMode
    private let timeout: TimeInterval
    private let logger: Logger
    private let pool: NIOThreadPool

    /// `server`: "127.0.0.54:53" or "[::1]:53". An unparsable address makes every lookup fail
    /// temporarily (and is logged); check it first with `ResolverEndpoint(_:)`.
    /// `pool` runs the blocking exchanges; the caller starts it and shuts it down after the last lookup.
    public init(server: String, dnssec: DNSSECMode, timeout: TimeInterval = 5, pool: NIOThreadPool, logger: Logger) {
        self.endpoint = ResolverEndpoint(server)
        self.serverText = server
        self.mode = dnssec
        self.timeout = timeout
        self.logger = logger
        self.pool = pool
        if let endpoint {
            if dnssec == .trustAD && !endpoint.isLoopback {
                logger.warning("dns.resolver_not_loopback",
                               metadata: ["resolver": "\(endpoint)",
                                          "why": "trust-ad trusts the AD bit, which is only safe from a resolver on loopback"])
            }
        } else {
            logger.error("dns.resolver_address_invalid", metadata: ["resolver": "\(server)"])
        }
    }

    // MARK: Resolver

    public func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> {
        let answer = try await lookup(domain, RRType.mx, parse: { try RecordData.mx($0.rdata) })
        var sorted = answer
        sorted.records.sort { ($0.preference, $0.host) < ($1.preference, $1.host) }
        return sorted
    }

    public func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        async let v4 = lookup(host, RRType.a, parse: { try RecordData.address($0.type, $0.rdata) })
        async let v6 = lookup(host, RRType.aaaa, parse: { try RecordData.address($0.type, $0.rdata) })
        let (a, aaaa) = try await (v4, v6)
        let withRecords = [a, aaaa].filter { !$0.records.isEmpty }
        let ttl = (withRecords.isEmpty ? [a, aaaa] : withRecords).map(\.ttl).min() ?? 0
        return DNSAnswer(records: a.records + aaaa.records, status: a.status.weaker(aaaa.status),
                         ttl: ttl, nxdomain: a.nxdomain && aaaa.nxdomain)
    }

    public func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> {
        try await lookup(name, RRType.tlsa, parse: { try RecordData.tlsa($0.rdata) })
    }

    public func txt(_ name: String) async throws -> DNSAnswer<String> {
        try await lookup(name, RRType.txt, parse: { try RecordData.txt($0.rdata) })
    }

    public func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> {
        try await lookup(ReverseName.of(address), RRType.ptr, parse: { try RecordData.singleName($0.rdata) })
    }

    public func cname(_ name: String) async throws -> DNSAnswer<String> {
        try await lookup(name, RRType.cname, parse: { try RecordData.singleName($0.rdata) })
    }

    // MARK: Lookup

    /// Queries `name`/`type`, keeps the answer records of that type, and sets status and TTL.
    private func lookup<R: Sendable>(_ name: String, _ type: UInt16,
                                     parse: (RawRecord) throws -> R) async throws -> DNSAnswer<R> {
        let qname = try QueryName.normalize(name)
        let response = try await exchange(qname, type, checkingDisabled: false)
        switch response.rcode {
        case RCode.noError, RCode.nameError:
            let matching = response.answer.filter { $0.type == type }
            let records = try matching.map(parse)
            let ttl = matching.isEmpty ? Self.negativeTTL(response) : (matching.map(\.ttl).min() ?? 0)
            let status: DNSSECStatus = mode == .off ? .indeterminate : (response.authenticated ? .secure : .insecure)
            return DNSAnswer(records: records, status: status, ttl: ttl, nxdomain: response.rcode == RCode.nameError)
        case RCode.serverFailure:
            try await classifyServerFailure(qname, type)
            throw DNSError.temporary("\(qname) \(RRType.name(type)): SERVFAIL from \(serverText)")
        default:
            throw DNSError.temporary("\(qname) \(RRType.name(type)): \(RCode.name(response.rcode)) from \(serverText)")
        }
    }

    /// After SERVFAIL in trust-ad mode: data with CD set but not without it means validation failed.
    private func classifyServerFailure(_ qname: String, _ type: UInt16) async throws {
        guard mode == .trustAD,
              let retry = try? await exchange(qname, type, checkingDisabled: true),
              retry.rcode == RCode.noError || retry.rcode == RCode.nameError else { return }
        logger.warning("dns.bogus", metadata: ["name": "\(qname)", "type": "\(RRType.name(type))"])
        throw DNSError.bogus("\(qname) \(RRType.name(type)): SERVFAIL, but answered with checking disabled")
    }

    private func exchange(_ qname: String, _ type: UInt16, checkingDisabled: Bool) async throws -> RawResponse {
        guard let endpoint else { throw DNSError.temporary("resolver address \"\(serverText)\" is invalid") }
        let exchange = LDNSExchange(server: endpoint, timeout: timeout)
        let dnssecOK = mode == .trustAD
        do {
            return try await pool.runIfActive {
                try exchange.query(qname, type: type, dnssecOK: dnssecOK, checkingDisabled: checkingDisabled)
            }
        } catch let error as DNSError {
            throw error
        } catch {
            throw DNSError.temporary("\(qname) \(RRType.name(type)): \(error)")
        }
    }

    /// RFC 2308: the SOA in the authority section gives the negative TTL; none means "don't cache".
    static func negativeTTL(_ response: RawResponse) -> UInt32 {
        let ttl = response.authority.compactMap(RecordData.negativeTTL).min() ?? 0
        return min(ttl, negativeTTLCap)
    }
}
