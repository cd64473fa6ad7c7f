// PolicyDiagnostic: one problem found in a policy file, printed as `file:line:col: error: message`.
// The loader collects every diagnostic; a policy with any error is never applied.

public struct PolicyDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(severity: Severity, file: String, line: Int, column: Int, message: String) {
        self.severity = severity; self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
    public var isError: Bool { severity == .error }
}

/// A place in a policy or list file, kept by rules and list references for traces and diagnostics.
public struct PolicySourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }

    /// `file:line`, the form traces use.
    public var description: String { "\(file):\(line)" }
}
