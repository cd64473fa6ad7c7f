// The fuzz entries' check on diagnostics (policy and config files): each one points at a line
// that exists in the text it was read from (0 or one past the end for whole-file errors); YAML
// breaks lines at LF, CRLF and a lone CR alike.

extension YAMLDiagnostic {
    /// Traps when `diagnostics` name a line the text does not have, or carry an empty message.
    public static func checkPositions(_ diagnostics: [YAMLDiagnostic], in text: String) {
        let bytes = Array(text.utf8)
        var lines = 1
        for (i, byte) in bytes.enumerated() {
            let loneCR = byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)
            if byte == 0x0A || loneCR { lines += 1 }
        }
        for diagnostic in diagnostics {
            precondition((0...lines + 1).contains(diagnostic.line), "diagnostic past the text: \(diagnostic)")
            precondition(!diagnostic.message.isEmpty, "diagnostic without a message at line \(diagnostic.line)")
        }
    }
}
