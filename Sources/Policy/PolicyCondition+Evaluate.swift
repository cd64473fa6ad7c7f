// Tests one condition against a message and one recipient. Reasons name the rule's own values,
// domains, addresses, counts and types; never a subject, header value, file name or sample.
import Foundation
import MailCore

extension PolicyCondition {
    func evaluate(_ c: MatchContext) -> MatchResult {
        let facts = c.facts
        switch self {
        case .sender(let p):
            return membership(p, value: facts.sender?.description ?? "<>") { PolicyPatterns.addressMatches($0, facts.sender) }
        case .recipient(let p):
            return membership(p, value: c.recipient.description) { PolicyPatterns.addressMatches($0, c.recipient) }
        case .senderDomain(let p):
            guard let sender = facts.sender else { return .noMatch("sender_domain: the null sender <> has no domain") }
            let domain = PolicyPatterns.domainKey(sender.domain)
            return membership(p, value: domain) { PolicyPatterns.domainMatches($0, domain) }
        case .recipientDomain(let p):
            let domain = PolicyPatterns.domainKey(c.recipient.domain)
            return membership(p, value: domain) { PolicyPatterns.domainMatches($0, domain) }
        case .authenticated(let wanted):
            return flag(facts.authenticatedUser != nil, wanted)
        case .tlsInbound(let wanted):
            return flag(facts.receivedOverTLS, wanted)
        case .uninspected(let wanted):
            return flag(!facts.uninspected.isEmpty, wanted, detail: " (\(facts.uninspected.count) part(s) not inspected)")
        case .clientNetwork(let networks):
            let display = "[" + networks.map(\.description).joined(separator: ", ") + "]"
            guard let ip = facts.clientAddress else { return .noMatch("client_network: client address unknown") }
            return networks.contains { $0.contains(ip) } ? .match("client \(ip) in \(display)") : .noMatch("client \(ip) not in \(display)")
        case .header(let name, let regex):
            let values = facts.headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
            return pattern("header \(name)", values, regex)
        case .subject(let regex):
            return pattern("subject", facts.subject.map { [$0] } ?? [], regex)
        case .subjectTag(let tags):
            let subject = (facts.subject ?? "").lowercased()
            if let tag = tags.first(where: { subject.contains($0) }) { return .match("subject has tag \(tag)") }
            return .noMatch("subject has none of the tags " + tags.joined(separator: ", "))
        case .size(let over, let under):
            return size(facts.size, over: over, under: under)
        case .attachmentName(let matcher):
            let names = facts.attachments.compactMap(\.filename)
            let hit = names.contains { name in
                switch matcher {
                case .regex(let r): return r.matches(name)
                case .globs(let globs): return globs.contains { PolicyPatterns.glob($0, name.lowercased()) }
                }
            }
            return hit ? .match("an attachment name matches \(matcher.display)")
                : .noMatch("no attachment name matches \(matcher.display) (\(names.count) named attachment(s))")
        case .attachmentType(let types):
            let display = "[" + types.joined(separator: ", ") + "]"
            if let hit = facts.attachments.first(where: { a in types.contains { PolicyPatterns.mediaTypeMatches($0, a.contentType) } }) {
                let type = hit.contentType.split(separator: ";").first.map(String.init) ?? hit.contentType
                return .match("an attachment is \(type.lowercased()), in \(display)")
            }
            return .noMatch("no attachment of type \(display) (\(facts.attachments.count) attachment(s))")
        case .phi(let condition):
            return phi(condition, facts.findings)
        case .anyOf(let alternatives):
            return MatchResult.any(alternatives, c)
        }
    }

    private func membership(_ p: PatternList, value: String, _ test: (String) -> Bool) -> MatchResult {
        switch p.contains(test) {
        case .some(true): return .match("\(key) \(value) in \(p.display)")
        case .some(false): return .noMatch("\(key) \(value) not in \(p.display)")
        case .none: return .tempfail("\(key): list \(p.unloadedReference ?? p.display) could not be looked up")
        }
    }

    private func flag(_ actual: Bool, _ wanted: Bool, detail: String = "") -> MatchResult {
        actual == wanted ? .match("\(key) is \(actual)\(actual ? detail : "")")
            : .noMatch("\(key) is \(actual)\(actual ? detail : ""), rule wants \(wanted)")
    }

    private func pattern(_ what: String, _ values: [String], _ regex: PolicyRegex) -> MatchResult {
        guard !values.isEmpty else { return .noMatch("no \(what)") }
        return values.contains(where: regex.matches) ? .match("\(what) matches /\(regex.source)/")
            : .noMatch("\(what) does not match /\(regex.source)/")
    }

    private func size(_ size: Int, over: Int?, under: Int?) -> MatchResult {
        if let over, size <= over { return .noMatch("size \(size) is not over \(over)") }
        if let under, size >= under { return .noMatch("size \(size) is not under \(under)") }
        let bounds = [over.map { "over \($0)" }, under.map { "under \($0)" }].compactMap { $0 }.joined(separator: " and ")
        return .match("size \(size) is \(bounds)")
    }

    private func phi(_ condition: PHICondition, _ findings: [Finding]) -> MatchResult {
        if condition.wantsNone {
            return findings.isEmpty ? .match("phi: no findings") : .noMatch("phi: \(findings.count) finding(s), rule wants none")
        }
        let selected = condition.types.map { types in findings.filter { types.contains($0.type) } } ?? findings
        let score = selected.reduce(0) { $0 + $1.confidence }
        let types = condition.types.map { $0.map(\.rawValue).joined(separator: ", ") } ?? "any type"
        var needs = ">= \(condition.minCount)"
        if let minScore = condition.minScore { needs += ", score >= \(PolicyFormat.score(minScore))" }
        let summary = "phi: \(selected.count) finding(s) of \(types), score \(PolicyFormat.score(score)) (needs \(needs))"
        // A little slack so that 0.9 + 0.8 + 0.5 reaches a written 2.2 despite binary rounding.
        let holds = selected.count >= condition.minCount && score + 1e-9 >= (condition.minScore ?? 0)
        return holds ? .match(summary) : .noMatch(summary)
    }
}

enum PolicyFormat {
    static func score(_ value: Double) -> String { String(format: "%.2f", value) }
}
