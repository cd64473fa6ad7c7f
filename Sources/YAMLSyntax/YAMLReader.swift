// YAMLReader: reads one YAML file into Yams nodes and keeps every problem as a positioned
// diagnostic instead of stopping at the first; the typed reads live in its extensions.
import Foundation
import Yams

public final class YAMLReader {
    /// The file name diagnostics carry, as the user wrote it.
    public let file: String
    public private(set) var diagnostics: [YAMLDiagnostic] = []

    public init(file: String) { self.file = file }

    /// The document's root node, or nil for an empty document or a YAML error (which is reported).
    public func compose(_ yaml: String) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch {
            let (line, column, message) = YAMLParseError.describe(error)
            self.error(message, line: line, column: column)
            return nil
        }
    }

    public func report(_ diagnostic: YAMLDiagnostic) { diagnostics.append(diagnostic) }

    /// `file` names another file (a list file a policy refers to); nil means this reader's file.
    public func error(_ message: String, line: Int, column: Int, file: String? = nil) {
        report(YAMLDiagnostic(severity: .error, file: file ?? self.file, line: line, column: column, message: message))
    }

    public func error(_ message: String, at node: Node?) { error(message, at: node?.mark) }

    /// A nil mark means the top of the file (1:1).
    public func error(_ message: String, at mark: Mark?) {
        let (line, column) = Self.position(of: mark)
        error(message, line: line, column: column)
    }

    public func warning(_ message: String, at node: Node?) {
        let (line, column) = Self.position(of: node?.mark)
        report(YAMLDiagnostic(severity: .warning, file: file, line: line, column: column, message: message))
    }

    /// Line and column (1-based) of a node's mark; 1:1 when Yams gave none.
    public static func position(of mark: Mark?) -> (line: Int, column: Int) { (mark?.line ?? 1, mark?.column ?? 1) }

    /// The diagnostics grouped by file (in the order each file was first reported), then by
    /// position; diagnostics at one position keep the order they were reported in.
    public var sortedDiagnostics: [YAMLDiagnostic] {
        var rank: [String: Int] = [:]
        for d in diagnostics where rank[d.file] == nil { rank[d.file] = rank.count }
        return diagnostics.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            return (rank[x.file] ?? 0, x.line, x.column, a.offset) < (rank[y.file] ?? 0, y.line, y.column, b.offset)
        }.map(\.element)
    }

    public func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, NSNull.construct(from: scalar) != nil { return true }
        return false
    }

    /// How a node appears in a message: `'text'`, `nothing`, `a mapping`, `a list`, `an alias`.
    public func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s): return isNull(node) ? "nothing" : "'\(s.string)'"
        }
    }

    /// Unwraps a value parser's result, reporting its error as `name: message` at `node`.
    public func value<T>(_ result: Result<T, YAMLValueError>, _ node: Node, _ name: String) -> T? {
        switch result {
        case .success(let v): return v
        case .failure(let e): error("\(name): \(e.message)", at: node); return nil
        }
    }
}
