// YAMLReader's scalar reads: strings, booleans, numbers, choices, sizes and durations. Each bad
// value leaves one `name: …` diagnostic at the value and returns nil.
import Foundation
import Yams

extension YAMLReader {
    func scalarText(_ node: Node) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    /// A non-empty string.
    public func string(_ node: Node, _ name: String) -> String? {
        guard let text = scalarText(node), !isNull(node) else {
            error("\(name): expected a string, got \(describe(node))", at: node)
            return nil
        }
        guard !text.isEmpty else {
            error("\(name): must not be empty", at: node)
            return nil
        }
        return text
    }

    /// A string, or `.some(nil)` without a diagnostic when the value is null; nil when it is bad.
    public func optionalString(_ node: Node, _ name: String) -> String?? {
        if isNull(node) { return .some(nil) }
        guard let text = string(node, name) else { return nil }
        return .some(text)
    }

    /// `true`/`false`, also `yes`/`no` and `on`/`off`, in any case.
    public func bool(_ node: Node, _ name: String) -> Bool? {
        guard let text = scalarText(node)?.lowercased(), ["true", "false", "yes", "no", "on", "off"].contains(text) else {
            error("\(name): expected true or false, got \(describe(node))", at: node)
            return nil
        }
        return ["true", "yes", "on"].contains(text)
    }

    /// A whole number in `range` (`1_000` allowed). An open-ended range reads "must be at least".
    public func integer(_ node: Node, _ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = scalarText(node), !isNull(node), let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            error("\(name): expected a whole number, got \(describe(node))", at: node)
            return nil
        }
        guard range.contains(value) else {
            if range.upperBound == Int.max {
                error("\(name): must be at least \(range.lowerBound), got \(value)", at: node)
            } else {
                error("\(name): \(value) is out of range; expected \(range.lowerBound) to \(range.upperBound)", at: node)
            }
            return nil
        }
        return value
    }

    public func integer(_ node: Node, _ name: String, minimum: Int) -> Int? {
        integer(node, name, in: minimum...Int.max)
    }

    /// A finite number of 0 or more (`0.5`, `3`).
    public func number(_ node: Node, _ name: String) -> Double? {
        guard let text = scalarText(node), let value = Double(text), value.isFinite, value >= 0 else {
            error("\(name): expected a number of 0 or more, got \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// One of an enum's raw values; the message lists them all.
    public func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ name: String, as type: E.Type) -> E?
        where E.RawValue == String {
        guard let text = choice(node, name, among: E.allCases.map(\.rawValue)) else { return nil }
        return E(rawValue: text)
    }

    public func choice(_ node: Node, _ name: String, among allowed: [String]) -> String? {
        guard let text = string(node, name) else { return nil }
        guard allowed.contains(text) else {
            error("\(name): '\(text)' is not allowed; expected one of: \(allowed.joined(separator: ", "))", at: node)
            return nil
        }
        return text
    }

    /// A byte count in the shared size syntax (`36700160`, `10MB`, `35 MiB`), at least `minimum`.
    public func byteSize(_ node: Node, _ name: String, minimum: Int = 0) -> Int? {
        guard let text = string(node, name), let size = value(ByteSizeSyntax.parse(text), node, name) else { return nil }
        guard size >= minimum else {
            error("\(name): '\(text)' is too small; it must be at least \(minimum) byte\(minimum == 1 ? "" : "s")", at: node)
            return nil
        }
        return size
    }

    /// Seconds, in the shared duration syntax (`30s`, `5m`, `2h`, `5d`, `1w`).
    public func duration(_ node: Node, _ name: String) -> TimeInterval? {
        guard let text = string(node, name) else { return nil }
        return value(DurationSyntax.parse(text), node, name)
    }
}
