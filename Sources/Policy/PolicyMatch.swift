// The three-valued result of testing conditions (OpenSMTPD's ruleset: match, no match, temporary
// failure), and the facts one recipient's evaluation reads. A failed lookup is never "no match".
import MailCore

enum MatchResult: Sendable, Equatable {
    case match(String)
    case noMatch(String)
    /// A lookup the condition needs failed: the recipient is deferred, never passed to later rules.
    case tempfail(String)
}

struct MatchContext {
    let facts: MessageFacts
    let recipient: MailAddress
}

extension MatchResult {
    /// All conditions: no match as soon as one definitely fails, else tempfail if one could not
    /// be decided, else match with every reason.
    static func all(_ conditions: [PolicyCondition], _ context: MatchContext) -> MatchResult {
        guard !conditions.isEmpty else { return .match("no conditions (always matches)") }
        var reasons: [String] = []
        var failure: String?
        for condition in conditions {
            switch condition.evaluate(context) {
            case .match(let why): reasons.append(why)
            case .noMatch(let why): return .noMatch(why)
            case .tempfail(let why): failure = failure ?? why
            }
        }
        if let failure { return .tempfail(failure) }
        return .match(reasons.joined(separator: "; "))
    }

    /// Any alternative: match on the first that holds, else tempfail if one could not be decided.
    static func any(_ alternatives: [[PolicyCondition]], _ context: MatchContext) -> MatchResult {
        var reasons: [String] = []
        var failure: String?
        for (index, alternative) in alternatives.enumerated() {
            switch all(alternative, context) {
            case .match(let why): return .match("any_of alternative \(index + 1): \(why)")
            case .noMatch(let why): reasons.append("\(index + 1): \(why)")
            case .tempfail(let why): failure = failure ?? why
            }
        }
        if let failure { return .tempfail(failure) }
        return .noMatch("any_of: no alternative holds (" + reasons.joined(separator: "; ") + ")")
    }
}

extension PatternList {
    /// Whether any pattern matches; nil when a referenced list is not loaded (a lookup failure).
    func contains(_ test: (String) -> Bool) -> Bool? {
        if inline.contains(where: test) { return true }
        for reference in references {
            guard let entries = reference.entries else { return nil }
            if entries.contains(where: test) { return true }
        }
        return false
    }

    var unloadedReference: String? { references.first { $0.entries == nil }.map { "@" + $0.name } }
}
