// Parsing of the `phi:` condition: `true`/`false`, or `{types, min_count, min_score}` with the
// types checked against MailCore.PHIType (plus `any`).
import MailCore
import Yams
import YAMLSyntax

extension PolicyFileParser {
    func phi(_ node: Node) -> PHICondition? {
        if case .scalar = node {
            guard let b = reader.bool(node, "phi") else { return nil }
            return PHICondition(types: nil, minCount: 1, minScore: nil, wantsNone: !b)
        }
        guard let entries = reader.mapping(node, "phi", what: "phi key", allowed: ["types", "min_count", "min_score"]) else { return nil }
        var condition = PHICondition()
        for entry in entries {
            switch entry.key {
            case "types": condition.types = phiTypes(entry.value)
            case "min_count": condition.minCount = reader.integer(entry.value, "phi.min_count", minimum: 1) ?? 1
            default: condition.minScore = reader.number(entry.value, "phi.min_score")
            }
        }
        return condition
    }

    /// nil means `any` (a bad list is reported; the rule is dropped then, so its value is moot).
    private func phiTypes(_ node: Node) -> [PHIType]? {
        guard let items = reader.stringList(node, "phi.types") else { return [] }
        let known = PHIType.allCases.map(\.rawValue)
        if items.contains(where: { $0.text == "any" }) {
            if items.count > 1 { reader.error("phi.types: 'any' already covers every type; list either 'any' or types", at: node) }
            return nil
        }
        return items.compactMap { item in
            if let type = PHIType(rawValue: item.text.lowercased()) { return type }
            var message = "phi.types: unknown PHI type '\(item.text)'"
            if let guess = NameSuggestion.closest(to: item.text, among: known) { message += "; did you mean '\(guess)'?" }
            reader.error(message + " (known: \(known.joined(separator: ", ")), any)", at: item.node)
            return nil
        }
    }
}
