// TLSRequirement: what a delivery's TLS must satisfy, as a set of facts rather than one ordered
// level (a single order would rank DANE below `verify`, which is wrong), plus the config words.

/// Postfix's level names, used in configuration and policy files.
public enum TLSLevel: String, Sendable, Codable, CaseIterable, Hashable {
    case none, may, encrypt, dane, daneOnly = "dane-only", verify, secure
}

public enum TLSProtocolVersion: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case tls1_0 = "TLSv1", tls1_1 = "TLSv1.1", tls1_2 = "TLSv1.2", tls1_3 = "TLSv1.3"

    var rank: Int { TLSProtocolVersion.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: TLSProtocolVersion, b: TLSProtocolVersion) -> Bool { a.rank < b.rank }

    /// Accepts "TLSv1.2", "1.2", "tls1.2".
    public init?(text: String) {
        let t = text.lowercased().replacingOccurrences(of: "tlsv", with: "").replacingOccurrences(of: "tls", with: "")
        switch t {
        case "1", "1.0": self = .tls1_0
        case "1.1": self = .tls1_1
        case "1.2": self = .tls1_2
        case "1.3": self = .tls1_3
        default: return nil
        }
    }
}

public struct TLSRequirement: Sendable, Codable, Hashable, CustomStringConvertible {
    /// Must the connection be encrypted at all.
    public var encrypted: Bool
    /// Empty: no authentication needed. Otherwise the peer must be authenticated by one of these.
    public var authenticatedBy: Set<TrustSource>
    public var minimumVersion: TLSProtocolVersion?

    public init(encrypted: Bool, authenticatedBy: Set<TrustSource> = [], minimumVersion: TLSProtocolVersion? = nil) {
        self.encrypted = encrypted || !authenticatedBy.isEmpty || minimumVersion != nil
        self.authenticatedBy = authenticatedBy
        self.minimumVersion = minimumVersion
    }

    /// Opportunistic: TLS if offered, plaintext otherwise (`may`).
    public static let opportunistic = TLSRequirement(encrypted: false)

    /// The stricter of the two: rules may raise a requirement, never lower it.
    public func raised(to other: TLSRequirement) -> TLSRequirement {
        let trust: Set<TrustSource>
        if authenticatedBy.isEmpty { trust = other.authenticatedBy }
        else if other.authenticatedBy.isEmpty { trust = authenticatedBy }
        else { trust = authenticatedBy.intersection(other.authenticatedBy) }
        let version = [minimumVersion, other.minimumVersion].compactMap { $0 }.max()
        var r = TLSRequirement(encrypted: encrypted || other.encrypted, authenticatedBy: trust, minimumVersion: version)
        // Two non-empty sources with nothing in common cannot be met by any peer; keep that visible.
        if !authenticatedBy.isEmpty && !other.authenticatedBy.isEmpty && trust.isEmpty { r.authenticatedBy = [.none] }
        return r
    }

    /// Whether an observed connection (nil = plaintext) meets this requirement.
    public func isSatisfied(by facts: TLSFacts?) -> Bool {
        unmetReason(facts) == nil
    }

    /// Why an observed connection falls short, for the decision trace and the deferral reason.
    public func unmetReason(_ facts: TLSFacts?) -> String? {
        guard encrypted else { return nil }
        guard let facts else { return "TLS required but the connection was not encrypted" }
        if let minimumVersion {
            guard let seen = TLSProtocolVersion(text: facts.version) else {
                return "TLS version \(facts.version) could not be determined (at least \(minimumVersion.rawValue) is required)"
            }
            if seen < minimumVersion { return "\(facts.version) is below the required \(minimumVersion.rawValue)" }
        }
        guard !authenticatedBy.isEmpty else { return nil }
        switch facts.verification {
        case .verified(let trust) where authenticatedBy.contains(trust):
            return nil
        case .verified(let trust):
            return "peer authenticated by \(trust.rawValue), but the requirement accepts only \(authenticatedBy.map(\.rawValue).sorted().joined(separator: ","))"
        case .failed(let reason):
            return "certificate verification failed: \(reason)"
        case .none:
            return "peer certificate not verified"
        }
    }

    public var description: String {
        guard encrypted else { return "opportunistic" }
        var parts = ["encrypted"]
        if !authenticatedBy.isEmpty { parts.append("authenticated by \(authenticatedBy.map(\.rawValue).sorted().joined(separator: "|"))") }
        if let minimumVersion { parts.append(">= \(minimumVersion.rawValue)") }
        return parts.joined(separator: ", ")
    }
}
