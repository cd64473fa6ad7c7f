// ConfigErrors: what check-config prints for a bad config file, one `file:line:col: error: message`
// per problem; ConfigLoader collects all of them rather than stopping at the first.
import YAMLSyntax

public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [YAMLDiagnostic]

    public init(diagnostics: [YAMLDiagnostic]) { self.diagnostics = diagnostics }

    /// One diagnostic per line, in file order.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
