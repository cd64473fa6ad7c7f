// PolicyVerdictSummary: the audit's short form of one recipient's policy decision: the rule that
// matched, the action, the TLS floor and the methods. Finding types and counts only, never PHI.

import MailCore

public struct PolicyVerdictSummary: Sendable, Codable, Equatable {
    public var rule: String
    public var action: String
    public var tls: String?
    public var minimumTLS: String?
    public var methods: [String]
    public var otherwise: String
    public var findingCounts: [String: Int]

    public init(_ decision: Decision) {
        rule = decision.trace.rule
        switch decision.action {
        case .deliver: action = "deliver"
        case .reject: action = "reject"
        case .quarantine: action = "quarantine"
        case .hold: action = "hold"
        }
        tls = decision.tlsLevel?.rawValue
        minimumTLS = decision.minimumTLSVersion?.rawValue
        methods = decision.methods.map(\.rawValue)
        otherwise = decision.fallback.rawValue
        findingCounts = decision.trace.findingCounts
    }

    private enum CodingKeys: String, CodingKey {
        case rule, action, tls, minimumTLS = "min_tls", methods, otherwise, findingCounts = "finding_counts"
    }
}
