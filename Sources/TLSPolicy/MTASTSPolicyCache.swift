// MTASTSPolicyCache: what MTASTSClient asks of its policy cache (RFC 8461 §5.1), kept in memory and
// files (MTASTSCache) or shared by several nodes (SharedStore's PostgreSQL cache); one entry per domain.
import Foundation

/// One cached policy: what was fetched, under which TXT id, and when.
public struct MTASTSCacheEntry: Codable, Equatable, Sendable {
    public var domain: String
    public var policy: MTASTSPolicy
    public var txtID: String
    public var fetchedAt: Date

    public init(domain: String, policy: MTASTSPolicy, txtID: String, fetchedAt: Date) {
        self.domain = domain; self.policy = policy; self.txtID = txtID; self.fetchedAt = fetchedAt
    }

    /// The JSON form the stores keep (dates in seconds since 1970).
    public func encoded() throws -> Data { try Self.encoder.encode(self) }

    public static func decode(_ data: Data) throws -> MTASTSCacheEntry { try decoder.decode(MTASTSCacheEntry.self, from: data) }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }()

    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()

    /// Until max_age after the fetch.
    public func isValid(at now: Date) -> Bool {
        now < fetchedAt.addingTimeInterval(TimeInterval(policy.maxAge))
    }
}

public protocol MTASTSPolicyCache: Sendable {
    /// The entry for `domain` (valid or not: the client judges by its clock); nil when there is none
    /// or it cannot be read (the client then fetches, as if nothing were cached).
    func entry(for domain: String) async -> MTASTSCacheEntry?
    /// Keeps `entry`, replacing the domain's previous one; a failure is logged, not thrown.
    func store(_ entry: MTASTSCacheEntry) async
}
