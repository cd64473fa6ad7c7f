// PolicyEvaluator: first match wins, per recipient. Each rule is tested in order; the first that
// matches decides, a lookup failure defers (4.3.0), and no match at all gives the default.
import MailCore

public struct PolicyEvaluator: Sendable {
    public let policy: PolicySet

    /// The reply used when a condition could not be decided: the client retries later.
    static let tempfailReply = SMTPReply(451, EnhancedStatus(4, 3, 0), "Policy lookup failed; try again later")

    public init(policy: PolicySet) { self.policy = policy }

    /// One verdict per `facts.recipients`, in the same order.
    public func evaluate(_ facts: MessageFacts) -> [RecipientVerdict] {
        var counts: [String: Int] = [:]
        for finding in facts.findings { counts[finding.type.rawValue, default: 0] += 1 }
        let summary = DecisionTrace(rule: "default", findingCounts: counts, uninspectedParts: facts.uninspected.count, score: facts.score)
        return facts.recipients.map { verdict(MatchContext(facts: facts, recipient: $0), summary) }
    }

    private func verdict(_ context: MatchContext, _ summary: DecisionTrace) -> RecipientVerdict {
        var steps: [TraceStep] = []
        for rule in policy.rules {
            let result = MatchResult.all(rule.conditions, context)
            switch result {
            case .match(let why):
                steps.append(TraceStep(rule: rule.name, location: rule.location.description, outcome: .match, reason: why))
                return finish(context, decision(rule, summary), steps, matched: rule.traceName)
            case .noMatch(let why):
                steps.append(TraceStep(rule: rule.name, location: rule.location.description, outcome: .noMatch, reason: why))
            case .tempfail(let why):
                steps.append(TraceStep(rule: rule.name, location: rule.location.description, outcome: .tempfail, reason: why))
                var trace = summary
                trace.rule = rule.traceName + " (tempfail)"
                return finish(context, Decision(action: .reject(Self.tempfailReply), trace: trace), steps, matched: trace.rule)
            }
        }
        return finish(context, Decision(trace: summary), steps, matched: nil)
    }

    private func decision(_ rule: PolicyRule, _ summary: DecisionTrace) -> Decision {
        var trace = summary
        trace.rule = rule.traceName
        let m = rule.modifiers
        var d = Decision(addHeaders: m.addHeaders, stripSubjectTags: m.stripSubjectTags, notifySender: m.notifySender, trace: trace)
        switch rule.action {
        case .deliver(let deliver):
            d.tlsLevel = deliver.tls
            d.minimumTLSVersion = deliver.minimumTLS
            d.methods = deliver.methods
            d.fallback = deliver.otherwise
            d.protectSubject = deliver.protectSubject
            d.outerSubject = deliver.subjectText
            d.portal = deliver.portal
        case .reject(let reply): d.action = .reject(reply)
        case .quarantine: d.action = .quarantine
        case .hold: d.action = .hold
        }
        return d
    }

    private func finish(_ context: MatchContext, _ decision: Decision, _ steps: [TraceStep], matched: String?) -> RecipientVerdict {
        let delivers = decision.action == .deliver
        var action = PolicyTrace.describeAction(decision.action)
        if decision.action == .reject(Self.tempfailReply), matched?.hasSuffix("(tempfail)") == true {
            action = "defer (\(Self.tempfailReply))"
        }
        let trace = PolicyTrace(findingsSummary: decision.trace.findingCounts, uninspected: decision.trace.uninspectedParts,
                                score: decision.trace.score, steps: steps, matchedRule: matched, action: action,
                                requirement: PolicyTrace.requirement(decision),
                                methods: delivers ? decision.methods.map(\.rawValue) : [],
                                fallback: delivers ? decision.fallback.rawValue : nil,
                                protectSubject: delivers && decision.protectSubject,
                                outerSubject: delivers && decision.protectSubject ? decision.outerSubject : nil,
                                portal: delivers ? decision.portal : nil)
        return RecipientVerdict(recipient: context.recipient, decision: decision, trace: trace)
    }
}
