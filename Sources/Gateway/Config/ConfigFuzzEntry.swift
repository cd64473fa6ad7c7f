// One fuzz input for the configuration reader: the bytes as sealgate.yaml in a directory that does
// not exist; shared by the libFuzzer target (Tests/Fuzz) and the corpus replay test.

import Foundation
import YAMLSyntax

public enum ConfigFuzzEntry {
    /// A fixed time: the reader's date checks (certificates, keys) never depend on the clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Traps if a diagnostic points outside the file (YAMLDiagnostic.checkPositions). True when
    /// the file was accepted.
    public static func run(_ bytes: [UInt8]) -> Bool {
        let yaml = String(decoding: bytes, as: UTF8.self)
        switch ConfigLoader.parse(yaml: yaml, path: "/nonexistent-sealgate-fuzz/sealgate.yaml", now: now) {
        case .success:
            return true
        case .failure(let errors):
            YAMLDiagnostic.checkPositions(errors.diagnostics, in: yaml)
            return false
        }
    }
}
