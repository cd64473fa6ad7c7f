// PolicyLinker: the checks that span files. It resolves `@list` references against the lists of
// every file, and reports duplicate list and rule names and lists unfit for a domain condition.
import MailCore
import YAMLSyntax

struct PolicyLinker {
    private var byName: [String: PolicyList] = [:]
    private(set) var diagnostics: [YAMLDiagnostic] = []

    init(lists: [PolicyList]) {
        for list in lists {
            if let first = byName[list.name] {
                report("list '\(list.name)' is already defined at \(first.location)", list.location)
                continue
            }
            byName[list.name] = list
        }
    }

    mutating func link(_ rules: [PolicyRule]) -> [PolicyRule] {
        var seen: [String: PolicyRule] = [:]
        return rules.map { rule in
            var rule = rule
            if let first = seen[rule.name] {
                report("duplicate rule name '\(rule.name)'; first defined at \(first.location)",
                       PolicySourceLocation(file: rule.sourceFile, line: rule.location.line, column: rule.location.column))
            } else {
                seen[rule.name] = rule
            }
            rule.conditions = rule.conditions.map { resolve($0) }
            return rule
        }
    }

    private mutating func resolve(_ condition: PolicyCondition) -> PolicyCondition {
        switch condition {
        case .sender(let p): return .sender(resolve(p, key: "sender", domainsOnly: false))
        case .recipient(let p): return .recipient(resolve(p, key: "recipient", domainsOnly: false))
        case .senderDomain(let p): return .senderDomain(resolve(p, key: "sender_domain", domainsOnly: true))
        case .recipientDomain(let p): return .recipientDomain(resolve(p, key: "recipient_domain", domainsOnly: true))
        case .anyOf(let alternatives): return .anyOf(alternatives.map { $0.map { resolve($0) } })
        default: return condition
        }
    }

    private mutating func resolve(_ patterns: PatternList, key: String, domainsOnly: Bool) -> PatternList {
        var out = patterns
        for index in out.references.indices {
            let reference = out.references[index]
            guard let list = byName[reference.name] else {
                var message = "\(key): undefined list '@\(reference.name)'"
                if let guess = NameSuggestion.closest(to: reference.name, among: Array(byName.keys).sorted()) {
                    message += "; did you mean '@\(guess)'?"
                } else if byName.isEmpty {
                    message += "; define it under 'lists:' in any policy file"
                }
                report(message, reference.location)
                continue
            }
            if domainsOnly, let bad = list.entries.firstIndex(where: { $0.contains("@") || $0 == "<>" }) {
                report("\(key): list '@\(list.name)' holds '\(list.entries[bad])' (\(list.entryLocations[bad])), which is not a domain; "
                       + "match addresses with \(key == "sender_domain" ? "sender" : "recipient"): instead", reference.location)
                continue
            }
            out.references[index].entries = list.entries
        }
        return out
    }

    private mutating func report(_ message: String, _ at: PolicySourceLocation) {
        diagnostics.append(YAMLDiagnostic(severity: .error, file: at.file, line: at.line, column: at.column, message: message))
    }
}
