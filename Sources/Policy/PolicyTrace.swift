// The full decision trace for one recipient (what `sealgate policy explain` prints): findings as
// types and counts, each rule tested and why it did or did not match, and the result.
import MailCore

public struct TraceStep: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable { case match, noMatch = "no match", tempfail }

    public var rule: String
    /// `file.yaml:LINE`.
    public var location: String
    public var outcome: Outcome
    public var reason: String

    public init(rule: String, location: String, outcome: Outcome, reason: String) {
        self.rule = rule; self.location = location; self.outcome = outcome; self.reason = reason
    }
}

public struct PolicyTrace: Sendable, Codable, Equatable {
    /// Finding counts by PHI type: `["ssn": 2]`. Never samples.
    public var findingsSummary: [String: Int]
    public var uninspected: Int
    public var score: Double
    public var steps: [TraceStep]
    /// `file.yaml:LINE name`; nil when no rule matched and the built-in default applied.
    public var matchedRule: String?
    /// `deliver`, `reject 550 5.7.1 text`, `quarantine`, `hold`, or `defer (…)` after a lookup failure.
    public var action: String
    /// e.g. `tls verify, >= TLSv1.2`.
    public var requirement: String
    /// Delivery methods in preference order (empty unless the action is deliver).
    public var methods: [String]
    /// What happens when no method is possible (deliver only).
    public var fallback: String?
    /// Whether encrypted copies hide the Subject (deliver only; false otherwise).
    public var protectSubject: Bool = false
    /// The neutral outer Subject those copies show; nil unless `protectSubject`.
    public var outerSubject: String?
    /// The rule's `deliver.portal` options (deliver only; nil: the portal's defaults).
    public var portal: PortalOptions? = nil
}

public struct RecipientVerdict: Sendable {
    public var recipient: MailAddress
    public var decision: Decision
    public var trace: PolicyTrace

    public init(recipient: MailAddress, decision: Decision, trace: PolicyTrace) {
        self.recipient = recipient; self.decision = decision; self.trace = trace
    }
}

extension PolicyTrace {
    static func describeAction(_ action: DecisionAction) -> String {
        switch action {
        case .deliver: return "deliver"
        case .reject(let reply): return "reject \(reply)"
        case .quarantine: return "quarantine"
        case .hold: return "hold"
        }
    }

    static func requirement(_ decision: Decision) -> String {
        switch decision.action {
        case .deliver:
            var parts = ["tls " + (decision.tlsLevel?.rawValue ?? "as configured for the destination")]
            if let v = decision.minimumTLSVersion { parts.append(">= \(v.rawValue)") }
            return parts.joined(separator: ", ")
        case .reject(let reply): return reply.isTransient ? "none (deferred)" : "none (rejected)"
        case .quarantine: return "none (quarantined)"
        case .hold: return "none (held)"
        }
    }
}
