// The fuzz entries' check on diagnostics (policy and config files): each one points at a line
// that exists in the text it was read from (0 or one past the end for whole-file errors).

extension YAMLDiagnostic {
    /// Traps when `diagnostics` name a line the text does not have, or carry an empty message.
    public static func checkPositions(_ diagnostics: [YAMLDiagnostic], in text: String) {
        let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        for diagnostic in diagnostics {
            precondition((0...lines + 1).contains(diagnostic.line), "diagnostic past the text: \(diagnostic)")
            precondition(!diagnostic.message.isEmpty, "diagnostic without a message at line \(diagnostic.line)")
        }
    }
}
