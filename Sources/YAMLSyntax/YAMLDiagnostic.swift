// YAMLDiagnostic: one problem found in a config or policy file, printed as
// `file:line:col: error: message` (or `warning:`), the form compilers use and editors jump to.

public struct YAMLDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(severity: Severity = .error, file: String, line: Int, column: Int, message: String) {
        self.severity = severity; self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
    public var isError: Bool { severity == .error }
}

/// The error a value parser returns: a message that the reader prefixes with the key's name.
public struct YAMLValueError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
