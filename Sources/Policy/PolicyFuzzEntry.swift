// One fuzz input for the policy language: the file parsed on its own and linked as a one-file
// policy set; shared by the libFuzzer target (Tests/Fuzz) and the corpus replay test.

import YAMLSyntax

public enum PolicyFuzzEntry {
    public struct Outcome: Sendable {
        public var rules = 0
        public var diagnostics = 0
        public var linked = false
    }

    /// Traps if a diagnostic points outside the file (YAMLDiagnostic.checkPositions).
    public static func run(_ bytes: [UInt8]) -> Outcome {
        let yaml = String(decoding: bytes, as: UTF8.self)
        let parsed = PolicyLoader.parse(yaml: yaml, file: "fuzz.yaml", baseDirectory: "/nonexistent-sealgate-fuzz")
        let built = PolicyLoader.build(sources: [(file: "fuzz.yaml", yaml: yaml)], baseDirectory: "/nonexistent-sealgate-fuzz")
        YAMLDiagnostic.checkPositions(parsed.diagnostics + built.diagnostics, in: yaml)
        return Outcome(rules: parsed.rules.count, diagnostics: parsed.diagnostics.count, linked: built.policy != nil)
    }
}
