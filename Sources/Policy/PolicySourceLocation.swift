// PolicySourceLocation: a place in a policy or list file, kept by rules and list references
// for traces and diagnostics (the diagnostics themselves are YAMLSyntax.YAMLDiagnostic).
import Yams
import YAMLSyntax

public struct PolicySourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }

    /// `file:line`, the form traces use.
    public var description: String { "\(file):\(line)" }
}

extension YAMLReader {
    func location(of node: Node?, file: String) -> PolicySourceLocation {
        let (line, column) = Self.position(of: node?.mark)
        return PolicySourceLocation(file: file, line: line, column: column)
    }
}
