// MXRoute: RFC 5321 §5.1 destination lookup for one recipient domain: MX hosts by preference
// (equal preferences shuffled), implicit MX, null MX (RFC 7505), NXDOMAIN and temporary failures.

import DNS
import Foundation
import MailCore

/// One host to try, in order, with the DNSSEC status of the MX answer that named it.
public struct MXTarget: Sendable, Equatable, Codable {
    public var host: String
    public var preference: Int
    /// true when the MX RRset (or, for an implicit MX / literal, nothing to spoof) was DNSSEC-secure.
    public var mxSecure: Bool
    /// Set for address literals: connect here without a lookup.
    public var literalAddress: String?

    public init(host: String, preference: Int, mxSecure: Bool, literalAddress: String? = nil) {
        self.host = host; self.preference = preference; self.mxSecure = mxSecure; self.literalAddress = literalAddress
    }
}

public enum MXRouteResult: Sendable {
    case targets([MXTarget], mxStatus: DNSSECStatus)
    /// The whole domain fails: bounce (5.1.10, 5.1.2) or defer (4.4.3).
    case failure(EnhancedStatus, String)
}

public enum MXRoute {
    /// The ordered hosts for `domain`. `shuffle` orders hosts of equal preference (RFC 5321 §5.1).
    public static func resolve(_ domain: MailDomain, resolver: Resolver,
                               shuffle: @Sendable ([MXRecord]) -> [MXRecord] = { $0.shuffled() }) async -> MXRouteResult {
        switch domain {
        case .ipv4(let a), .ipv6(let a):
            return .targets([MXTarget(host: a, preference: 0, mxSecure: false, literalAddress: a)], mxStatus: .indeterminate)
        case .name(let name):
            return await resolve(name: name.ascii, resolver: resolver, shuffle: shuffle)
        }
    }

    static func resolve(name: String, resolver: Resolver, shuffle: ([MXRecord]) -> [MXRecord]) async -> MXRouteResult {
        let answer: DNSAnswer<MXRecord>
        do {
            answer = try await resolver.mx(name)
        } catch {
            return .failure(EnhancedStatus(4, 4, 3), "MX lookup for \(name) failed: \(error)")
        }
        if answer.status == .bogus {
            return .failure(EnhancedStatus(4, 4, 3), "MX lookup for \(name): DNSSEC validation failed")
        }
        if answer.nxdomain {
            return .failure(EnhancedStatus(5, 1, 2), "Host or domain name not found: \(name) (NXDOMAIN)")
        }
        if answer.records.contains(where: \.isNullMX) {
            return .failure(EnhancedStatus(5, 1, 10), "Domain \(name) does not accept mail (null MX, RFC 7505)")
        }
        let secure = answer.status == .secure
        guard !answer.records.isEmpty else {
            // No MX: the domain itself is the implicit MX (RFC 5321 §5.1).
            return .targets([MXTarget(host: name, preference: 0, mxSecure: secure)], mxStatus: answer.status)
        }
        return .targets(order(answer.records, shuffle: shuffle).map {
            MXTarget(host: $0.host, preference: Int($0.preference), mxSecure: secure)
        }, mxStatus: answer.status)
    }

    /// Sorted by preference; hosts of equal preference in the order `shuffle` gives; duplicates dropped.
    static func order(_ records: [MXRecord], shuffle: ([MXRecord]) -> [MXRecord]) -> [MXRecord] {
        let byPreference = Dictionary(grouping: records, by: \.preference)
        var seen = Set<String>()
        var out: [MXRecord] = []
        for preference in byPreference.keys.sorted() {
            for record in shuffle(byPreference[preference] ?? []) where seen.insert(record.host).inserted {
                out.append(record)
            }
        }
        return out
    }

    /// The addresses to connect to for one target, in order; an empty list means "skip this host".
    static func addresses(for target: MXTarget, resolver: Resolver) async -> Result<[String], EnhancedStatus.Failure> {
        if let literal = target.literalAddress { return .success([literal]) }
        if let ip = IPAddress(target.host) { return .success([ip.description]) }
        do {
            let answer = try await resolver.addresses(target.host)
            if answer.status == .bogus {
                return .failure(.init(EnhancedStatus(4, 4, 3), "address lookup for \(target.host): DNSSEC validation failed"))
            }
            if answer.records.isEmpty {
                return .failure(.init(EnhancedStatus(4, 4, 4), "no address for MX host \(target.host)"))
            }
            return .success(answer.records.map(\.description))
        } catch {
            return .failure(.init(EnhancedStatus(4, 4, 3), "address lookup for \(target.host) failed: \(error)"))
        }
    }
}

extension EnhancedStatus {
    /// A local failure with its status, as an Error for Result.
    public struct Failure: Error, Sendable, Equatable {
        public var status: EnhancedStatus
        public var reason: String
        public init(_ status: EnhancedStatus, _ reason: String) { self.status = status; self.reason = reason }
    }
}
