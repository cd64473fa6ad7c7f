// The conditions a rule's `when:` can hold, after parsing: patterns normalised, regexes
// compiled, `@list` references kept by name until the loader links them to their entries.
import MailCore

indirect enum PolicyCondition: Sendable {
    case sender(PatternList)
    case recipient(PatternList)
    case senderDomain(PatternList)
    case recipientDomain(PatternList)
    case authenticated(Bool)
    case clientNetwork([IPNetwork])
    case tlsInbound(Bool)
    case header(name: String, PolicyRegex)
    case subject(PolicyRegex)
    case subjectTag([String])
    case size(over: Int?, under: Int?)
    case attachmentName(NameMatcher)
    case attachmentType([String])
    case phi(PHICondition)
    case uninspected(Bool)
    /// Holds when any alternative holds; each alternative holds when all its conditions do.
    case anyOf([[PolicyCondition]])
}

/// `@name`; `entries` stays nil until linked, and an unlinked reference is a temporary failure.
struct ListReference: Sendable, Equatable {
    var name: String
    var location: PolicySourceLocation
    var entries: [String]?
}

/// Inline patterns and `@list` references, as one condition value.
struct PatternList: Sendable {
    var inline: [String]
    var references: [ListReference]

    /// `@partners`, or `[a.example, *.b.example, @partners]`.
    var display: String {
        let items = inline + references.map { "@" + $0.name }
        if items.count == 1 { return items[0] }
        return "[" + items.joined(separator: ", ") + "]"
    }
}

enum NameMatcher: Sendable {
    case regex(PolicyRegex)
    case globs([String])

    var display: String {
        switch self {
        case .regex(let r): return "/\(r.source)/"
        case .globs(let g): return "[" + g.joined(separator: ", ") + "]"
        }
    }
}

struct PHICondition: Sendable, Equatable {
    /// nil: any type.
    var types: [PHIType]?
    var minCount = 1
    var minScore: Double?
    /// `phi: false`: holds only when there are no findings at all.
    var wantsNone = false
}

extension PolicyCondition {
    /// The YAML key the condition was written with.
    var key: String {
        switch self {
        case .sender: return "sender"
        case .recipient: return "recipient"
        case .senderDomain: return "sender_domain"
        case .recipientDomain: return "recipient_domain"
        case .authenticated: return "authenticated"
        case .clientNetwork: return "client_network"
        case .tlsInbound: return "tls_inbound"
        case .header: return "header"
        case .subject: return "subject"
        case .subjectTag: return "subject_tag"
        case .size: return "size"
        case .attachmentName: return "attachment_name"
        case .attachmentType: return "attachment_type"
        case .phi: return "phi"
        case .uninspected: return "uninspected"
        case .anyOf: return "any_of"
        }
    }

    /// A canonical text of what the condition tests, so that two rules with the same
    /// conditions (in any order, with list items in any order) compare equal.
    var canonical: String {
        func sorted(_ p: PatternList) -> String {
            (p.inline.sorted() + p.references.map { "@" + $0.name }.sorted()).joined(separator: ",")
        }
        switch self {
        case .sender(let p), .recipient(let p), .senderDomain(let p), .recipientDomain(let p):
            return "\(key)=\(sorted(p))"
        case .authenticated(let b), .tlsInbound(let b), .uninspected(let b): return "\(key)=\(b)"
        case .clientNetwork(let n): return "\(key)=\(n.map(\.description).sorted().joined(separator: ","))"
        case .header(let name, let r): return "\(key)=\(name.lowercased()):\(r.source)"
        case .subject(let r): return "\(key)=\(r.source)"
        case .subjectTag(let t): return "\(key)=\(t.sorted().joined(separator: ","))"
        case .size(let over, let under): return "\(key)=\(over.map(String.init) ?? "-")..\(under.map(String.init) ?? "-")"
        case .attachmentName(let m): return "\(key)=\(m.display)"
        case .attachmentType(let t): return "\(key)=\(t.sorted().joined(separator: ","))"
        case .phi(let c):
            let types = c.types.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "any"
            return "\(key)=\(types)/\(c.minCount)/\(c.minScore.map { "\($0)" } ?? "-")/\(c.wantsNone)"
        case .anyOf(let alternatives):
            return "\(key)=(" + alternatives.map(PolicyCondition.canonical(of:)).sorted().joined(separator: "|") + ")"
        }
    }

    static func canonical(of conditions: [PolicyCondition]) -> String {
        conditions.map(\.canonical).sorted().joined(separator: "&")
    }
}
