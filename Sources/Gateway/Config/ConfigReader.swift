// ConfigReader: typed reads from Yams nodes that never stop at the first problem. Each bad
// value is recorded as a positioned diagnostic and the read returns nil; decoding continues.
import MailCore
import Foundation
import Yams

/// A mapping's entries after unknown keys were reported, with the positions kept.
struct ConfigSection {
    var entries: [String: (key: Node, value: Node)] = [:]
    /// Where the section's own key sits (`delivery:`), or the mapping's start.
    var mark: Mark?

    subscript(_ key: String) -> Node? { entries[key]?.value }
    func keyNode(_ key: String) -> Node? { entries[key]?.key }
}

final class ConfigReader {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String) { self.file = file }

    /// A nil mark means the top of the file (1:1).
    func report(_ message: String, at mark: Mark?) {
        report(message, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func report(_ message: String, line: Int, column: Int) {
        diagnostics.append(ConfigDiagnostic(file: file, line: line, column: column, message: message))
    }

    func report(_ message: String, at node: Node?) { report(message, at: node?.mark) }

    /// Reads a mapping, reporting unknown keys against `allowed`. `name` is the dotted path ("" at the top).
    func section(_ node: Node, name: String, allowed: [String], keyMark: Mark? = nil) -> ConfigSection? {
        guard case .mapping(let mapping) = node else {
            let what = name.isEmpty ? "the config file must be a mapping of keys (hostname:, listeners:, ...)" : "\(name): expected a mapping"
            report("\(what), got \(describe(node))", at: node)
            return nil
        }
        var section = ConfigSection(mark: keyMark ?? node.mark)
        for (keyNode, value) in mapping {
            guard let key = scalarText(keyNode) else {
                report("\(name.isEmpty ? "" : name + ": ")keys must be plain names, got \(describe(keyNode))", at: keyNode)
                continue
            }
            guard allowed.contains(key) else {
                let place = name.isEmpty ? "" : " in \(name)"
                var message = "unknown key '\(key)'\(place)"
                if let guess = NameSuggestion.closest(to: key, among: allowed) { message += "; did you mean '\(guess)'?" }
                report(message, at: keyNode)
                continue
            }
            section.entries[key] = (keyNode, value)
        }
        return section
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, NSNull.construct(from: scalar) != nil { return true }
        return false
    }

    func string(_ node: Node, _ name: String) -> String? {
        guard let text = scalarText(node), !isNull(node) else {
            report("\(name): expected a string, got \(describe(node))", at: node)
            return nil
        }
        guard !text.isEmpty else {
            report("\(name): must not be empty", at: node)
            return nil
        }
        return text
    }

    /// A string, or nil without a diagnostic when the value is null.
    func optionalString(_ node: Node, _ name: String) -> String?? {
        if isNull(node) { return .some(nil) }
        guard let text = string(node, name) else { return nil }
        return .some(text)
    }

    func integer(_ node: Node, _ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = scalarText(node), !isNull(node), let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report("\(name): expected a whole number, got \(describe(node))", at: node)
            return nil
        }
        guard range.contains(value) else {
            report("\(name): \(value) is out of range; expected \(range.lowerBound) to \(range.upperBound)", at: node)
            return nil
        }
        return value
    }

    func boolean(_ node: Node, _ name: String) -> Bool? {
        guard let text = scalarText(node)?.lowercased(), ["true", "false", "yes", "no", "on", "off"].contains(text) else {
            report("\(name): expected true or false, got \(describe(node))", at: node)
            return nil
        }
        return ["true", "yes", "on"].contains(text)
    }

    func duration(_ node: Node, _ name: String) -> TimeInterval? {
        guard let text = string(node, name) else { return nil }
        return value(ConfigValueParsers.duration(text), node, name)
    }

    func byteSize(_ node: Node, _ name: String) -> Int? {
        guard let text = string(node, name) else { return nil }
        return value(ConfigValueParsers.byteSize(text), node, name)
    }

    func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ name: String, as type: E.Type) -> E? where E.RawValue == String {
        guard let text = string(node, name) else { return nil }
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            report("\(name): '\(text)' is not allowed; expected one of: \(allowed)", at: node)
            return nil
        }
        return value
    }

    func choice(_ node: Node, _ name: String, among allowed: [String]) -> String? {
        guard let text = string(node, name) else { return nil }
        guard allowed.contains(text) else {
            report("\(name): '\(text)' is not allowed; expected one of: \(allowed.joined(separator: ", "))", at: node)
            return nil
        }
        return text
    }

    /// The items of a list, each with its dotted name (`relay.trusted_networks[2]`).
    func list(_ node: Node, _ name: String) -> [(node: Node, name: String)]? {
        guard case .sequence(let sequence) = node else {
            report("\(name): expected a list, got \(describe(node))", at: node)
            return nil
        }
        return sequence.enumerated().map { ($0.element, "\(name)[\($0.offset)]") }
    }

    /// Unwraps a parser result, reporting its error under `name` at `node`.
    func value<T>(_ result: Result<T, ConfigValueError>, _ node: Node, _ name: String) -> T? {
        switch result {
        case .success(let v): return v
        case .failure(let e): report("\(name): \(e.message)", at: node); return nil
        }
    }

    private func scalarText(_ node: Node) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
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
