// PolicyFileParser: turns one policy file's YAML tree into rules and named lists, reporting
// every problem with its position. List references are linked later, across all files.
import Foundation
import MailCore
import Yams
import YAMLSyntax

final class PolicyFileParser {
    static let topLevelKeys = ["lists", "rules"]
    static let ruleKeys = ["name", "description", "when", "deliver", "reject", "quarantine", "hold",
                           "add_header", "strip_subject_tag", "notify_sender"]
    static let mainActions = ["deliver", "reject", "quarantine", "hold"]

    let reader: YAMLReader
    /// The file name without directories, as traces show it.
    let fileName: String
    let baseDirectory: String
    private(set) var rules: [PolicyRule] = []
    var lists: [PolicyList] = []

    init(file: String, baseDirectory: String) {
        reader = YAMLReader(file: file)
        fileName = (file as NSString).lastPathComponent
        self.baseDirectory = baseDirectory
    }

    func parse(yaml: String) {
        guard let root = reader.compose(yaml) else { return }   // an empty file holds no rules; a YAML error is reported
        guard let top = reader.mapping(root, "the policy file", what: "top-level key", allowed: Self.topLevelKeys) else { return }
        for entry in top {
            switch entry.key {
            case "lists": parseLists(entry.value)
            default: parseRules(entry.value)
            }
        }
    }

    private func parseRules(_ node: Node) {
        guard case .sequence(let items) = node else {
            reader.error("rules: expected a list of rules (- name: …), got \(reader.describe(node))", at: node)
            return
        }
        for (index, item) in items.enumerated() {
            if let rule = parseRule(item, index: index) { rules.append(rule) }
        }
    }

    private func parseRule(_ node: Node, index: Int) -> PolicyRule? {
        guard let entries = reader.mapping(node, "rules[\(index)]", what: "rule key", allowed: Self.ruleKeys) else { return nil }
        var name: String?
        var conditions: [PolicyCondition] = []
        var action: PolicyAction?
        var actionKey: String?
        var modifiers = PolicyModifiers()
        var valid = true
        if let nameNode = entries.first(where: { $0.key == "name" })?.value { name = reader.string(nameNode, "name") }
        let label = name.map { "rule '\($0)'" } ?? "rule #\(index + 1)"
        for entry in entries {
            switch entry.key {
            case "name": break
            case "description": _ = reader.string(entry.value, "description")
            case "when":
                if let parsed = parseConditions(entry.value, "when") { conditions = parsed } else { valid = false }
            case "add_header", "strip_subject_tag", "notify_sender":
                parseModifier(entry.key, entry.value, into: &modifiers)
            default:
                if let first = actionKey {
                    reader.error("\(label) has two actions, '\(first)' and '\(entry.key)'; a rule takes exactly one of: "
                                 + Self.mainActions.joined(separator: ", "), at: entry.keyNode)
                    continue
                }
                actionKey = entry.key
                action = parseAction(entry.key, entry.value)
            }
        }
        if name == nil && !entries.contains(where: { $0.key == "name" }) {
            reader.error("\(label) has no name; add 'name: …'", at: node)
        }
        if actionKey == nil {
            reader.error("\(label) has no action; add one of: \(Self.mainActions.joined(separator: ", "))", at: node)
        }
        guard valid, let action, let name else { return nil }
        return PolicyRule(name: name, location: reader.location(of: node, file: fileName),
                          sourceFile: reader.file, conditions: conditions,
                          action: action, modifiers: modifiers)
    }
}
