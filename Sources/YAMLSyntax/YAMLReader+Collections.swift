// YAMLReader's collection reads: mappings with unknown-key detection ("did you mean"), mappings
// of free names to strings, lists, and "a string or a list of strings".
import MailCore
import Yams

extension YAMLReader {
    /// A mapping whose keys must be among `allowed`. Each other key is reported as
    /// "unknown WHAT 'k' in CONTEXT; did you mean 'x'?" and left out. `keyMark` is where the
    /// mapping was introduced (`tls:`), kept in the result for later diagnostics.
    public func mapping(_ node: Node, _ name: String, what: String = "key", allowed: [String],
                        in context: String? = nil, keyMark: Mark? = nil) -> YAMLMapping? {
        guard case .mapping(let pairs) = node else {
            error("\(name): expected a mapping, got \(describe(node))", at: node)
            return nil
        }
        var mapping = YAMLMapping(mark: keyMark ?? node.mark)
        for (keyNode, value) in pairs {
            guard case .scalar(let scalar) = keyNode else {
                error("\(name.isEmpty ? "" : name + ": ")keys must be plain names, got \(describe(keyNode))", at: keyNode)
                continue
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                var message = "unknown \(what) '\(key)'" + (context.map { " in \($0)" } ?? "")
                if let guess = NameSuggestion.closest(to: key, among: allowed) { message += "; did you mean '\(guess)'?" }
                error(message, at: keyNode)
                continue
            }
            mapping.entries.append(.init(key: key, keyNode: keyNode, value: value))
        }
        return mapping
    }

    /// A mapping whose keys are free (header names): each key and each value must be a string.
    public func stringMapping(_ node: Node, _ name: String) -> [(key: String, keyNode: Node, value: String, valueNode: Node)]? {
        guard case .mapping(let pairs) = node else {
            error("\(name): expected a mapping of names to values, got \(describe(node))", at: node)
            return nil
        }
        var out: [(key: String, keyNode: Node, value: String, valueNode: Node)] = []
        for (keyNode, value) in pairs {
            guard let key = string(keyNode, name), let text = string(value, "\(name).\(key)") else { continue }
            out.append((key, keyNode, text, value))
        }
        if out.isEmpty && pairs.isEmpty { error("\(name): must not be empty", at: node) }
        return out
    }

    /// The items of a list, each with its dotted name (`relay.trusted_networks[2]`).
    public func list(_ node: Node, _ name: String) -> [(node: Node, name: String)]? {
        guard case .sequence(let sequence) = node else {
            error("\(name): expected a list, got \(describe(node))", at: node)
            return nil
        }
        return sequence.enumerated().map { ($0.element, "\(name)[\($0.offset)]") }
    }

    /// A single string or a non-empty list of strings, each with its node (bad items are reported and skipped).
    public func stringList(_ node: Node, _ name: String) -> [(text: String, node: Node)]? {
        if case .scalar = node { return string(node, name).map { [($0, node)] } }
        guard case .sequence(let sequence) = node else {
            error("\(name): expected a string or a list of strings, got \(describe(node))", at: node)
            return nil
        }
        guard !sequence.isEmpty else {
            error("\(name): the list must not be empty", at: node)
            return nil
        }
        return sequence.compactMap { item in string(item, name).map { ($0, item) } }
    }
}
