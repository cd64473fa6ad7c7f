// The config file's wording on top of the shared YAMLReader: a section is a mapping whose
// unknown keys read "unknown key 'k' in delivery" (no section name at the top level).
import Yams
import YAMLSyntax

extension YAMLReader {
    /// Reads a mapping, reporting unknown keys against `allowed`. `name` is the dotted path ("" at the top).
    func section(_ node: Node, name: String, allowed: [String], keyMark: Mark? = nil) -> YAMLMapping? {
        mapping(node, name, allowed: allowed, in: name.isEmpty ? nil : name, keyMark: keyMark)
    }
}
