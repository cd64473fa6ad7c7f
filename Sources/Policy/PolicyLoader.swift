// PolicyLoader: reads every *.yaml/*.yml directly in the policy directory in file-name order,
// parses and links them, and returns the policy only when no file has an error.
import Foundation
import YAMLSyntax

public enum PolicyLoader {
    /// `policies/examples/` and other subdirectories are never loaded. `policy` is nil when any
    /// diagnostic is an error: a policy is applied whole or not at all.
    public static func load(directory: String) -> (policy: PolicySet?, diagnostics: [YAMLDiagnostic]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return (nil, [YAMLDiagnostic(severity: .error, file: directory, line: 1, column: 1,
                                           message: "policy directory not found or not readable")])
        }
        var sources: [(file: String, yaml: String)] = []
        var diagnostics: [YAMLDiagnostic] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            var entryIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue else { continue }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                diagnostics.append(YAMLDiagnostic(severity: .error, file: path, line: 1, column: 1,
                                                    message: "cannot read policy file (not UTF-8 text, or no permission)"))
                continue
            }
            sources.append((path, text))
        }
        if sources.isEmpty && diagnostics.isEmpty {
            diagnostics.append(YAMLDiagnostic(severity: .warning, file: directory, line: 1, column: 1,
                                                message: "no policy files (*.yaml) here; every recipient gets the built-in default (deliver at the configured TLS level)"))
        }
        let built = build(sources: sources, baseDirectory: directory)
        let all = diagnostics + built.diagnostics
        return (all.contains(where: \.isError) ? nil : built.policy, all)
    }

    /// Parses, links and checks several files as one policy, in the order given. `baseDirectory`
    /// is where `file:` list paths are resolved.
    public static func build(sources: [(file: String, yaml: String)], baseDirectory: String)
        -> (policy: PolicySet?, diagnostics: [YAMLDiagnostic]) {
        var rules: [PolicyRule] = []
        var lists: [PolicyList] = []
        var diagnostics: [YAMLDiagnostic] = []
        for source in sources {
            let parsed = parse(yaml: source.yaml, file: source.file, baseDirectory: baseDirectory)
            rules += parsed.rules
            lists += parsed.lists
            diagnostics += parsed.diagnostics
        }
        var linker = PolicyLinker(lists: lists)
        let linked = linker.link(rules)
        diagnostics += linker.diagnostics + PolicyShadowing.warnings(linked)
        let policy = PolicySet(rules: linked, files: sources.map(\.file))
        return (diagnostics.contains(where: \.isError) ? nil : policy, diagnostics)
    }

    /// One file on its own, unlinked: `@list` references are resolved by `build`/`load`, and a
    /// rule from here that uses one fails temporarily when evaluated.
    public static func parse(yaml: String, file: String, baseDirectory: String)
        -> (rules: [PolicyRule], lists: [PolicyList], diagnostics: [YAMLDiagnostic]) {
        let parser = PolicyFileParser(file: file, baseDirectory: baseDirectory)
        parser.parse(yaml: yaml)
        return (parser.rules, parser.lists, parser.reader.sortedDiagnostics)
    }
}
