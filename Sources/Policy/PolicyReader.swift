// PolicyReader: typed reads from Yams nodes for one policy file. A bad value becomes a positioned
// diagnostic and the read returns nil, so parsing goes on and every problem is reported.
import MailCore
import Foundation
import Yams

final class PolicyReader {
    let file: String
    private(set) var diagnostics: [PolicyDiagnostic] = []

    init(file: String) { self.file = file }

    func error(_ message: String, at node: Node?) {
        error(message, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    func error(_ message: String, line: Int, column: Int, file: String? = nil) {
        diagnostics.append(PolicyDiagnostic(severity: .error, file: file ?? self.file, line: line, column: column, message: message))
    }

    func location(of node: Node?, file: String) -> PolicySourceLocation {
        PolicySourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    /// The entries of a mapping in document order, unknown keys reported as "unknown WHAT 'k'; did you mean…".
    func mapping(_ node: Node, _ name: String, what: String, allowed: [String]) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error("\(name): expected a mapping, got \(describe(node))", at: node)
            return nil
        }
        var out: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error("\(name): keys must be plain names, got \(describe(keyNode))", at: keyNode)
                continue
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                var message = "unknown \(what) '\(key)'"
                if let guess = NameSuggestion.closest(to: key, among: allowed) { message += "; did you mean '\(guess)'?" }
                error(message, at: keyNode)
                continue
            }
            out.append((key, keyNode, value))
        }
        return out
    }

    /// The entries of a mapping whose keys are free (header names): each key and value must be a string.
    func stringMapping(_ node: Node, _ name: String) -> [(key: String, keyNode: Node, value: String, valueNode: Node)]? {
        guard case .mapping(let mapping) = node else {
            error("\(name): expected a mapping of names to values, got \(describe(node))", at: node)
            return nil
        }
        var out: [(key: String, keyNode: Node, value: String, valueNode: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = string(keyNode, name), let text = string(value, "\(name).\(key)") else { continue }
            out.append((key, keyNode, text, value))
        }
        if out.isEmpty && mapping.isEmpty { error("\(name): must not be empty", at: node) }
        return out
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, NSNull.construct(from: scalar) != nil { return true }
        return false
    }

    func string(_ node: Node, _ name: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("\(name): expected a string, got \(describe(node))", at: node)
            return nil
        }
        guard !scalar.string.isEmpty else {
            error("\(name): must not be empty", at: node)
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, _ name: String) -> Bool? {
        guard case .scalar(let scalar) = node, let value = Bool.construct(from: scalar) else {
            error("\(name): expected true or false, got \(describe(node))", at: node)
            return nil
        }
        return value
    }

    func integer(_ node: Node, _ name: String, minimum: Int) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            error("\(name): expected a whole number, got \(describe(node))", at: node)
            return nil
        }
        guard value >= minimum else {
            error("\(name): must be at least \(minimum), got \(value)", at: node)
            return nil
        }
        return value
    }

    func number(_ node: Node, _ name: String) -> Double? {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite, value >= 0 else {
            error("\(name): expected a number of 0 or more, got \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// A single string or a list of strings, each with its node (bad items are reported and skipped).
    func stringList(_ node: Node, _ name: String) -> [(text: String, node: Node)]? {
        if case .scalar = node, let text = string(node, name) { return [(text, node)] }
        if case .scalar = node { return nil }
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

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s): return isNull(node) ? "nothing" : "'\(s.string)'"
        }
    }
}
