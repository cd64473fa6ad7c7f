// Shadowing warnings: a rule can never match when an earlier rule always matches (no `when`),
// or has exactly the same conditions. These are warnings; the policy still loads.
import YAMLSyntax

enum PolicyShadowing {
    static func warnings(_ rules: [PolicyRule]) -> [YAMLDiagnostic] {
        var out: [YAMLDiagnostic] = []
        let keys = rules.map { PolicyCondition.canonical(of: $0.conditions) }
        for (index, rule) in rules.enumerated() {
            guard let earlier = rules.indices.prefix(index).first(where: { rules[$0].alwaysMatches || keys[$0] == keys[index] }) else {
                continue
            }
            let first = rules[earlier]
            let why = first.alwaysMatches ? "always matches first" : "has the same conditions and matches first"
            out.append(YAMLDiagnostic(severity: .warning, file: rule.sourceFile, line: rule.location.line, column: rule.location.column,
                                        message: "rule '\(rule.name)' can never match: rule '\(first.name)' at \(first.location) \(why)"))
        }
        return out
    }
}
