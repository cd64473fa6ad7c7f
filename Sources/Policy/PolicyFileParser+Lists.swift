// Parsing of `lists:`: each named list is inline (a YAML list) or `{file: lists/x.txt}`, a file
// relative to the policy directory with one entry per line and `#` comments.
import Foundation
import Yams
import YAMLSyntax

extension PolicyFileParser {
    func parseLists(_ node: Node) {
        guard case .mapping(let mapping) = node else {
            reader.error("lists: expected a mapping of list names to lists, got \(reader.describe(node))", at: node)
            return
        }
        for (keyNode, value) in mapping {
            guard let name = reader.string(keyNode, "lists") else { continue }
            guard Self.isListName(name) else {
                reader.error("lists: '\(name)' is not a list name (letters, digits, - and _)", at: keyNode)
                continue
            }
            let location = reader.location(of: keyNode, file: reader.file)
            if case .mapping = value {
                if let list = fileList(name, value, location) { lists.append(list) }
            } else if case .sequence(let items) = value {
                var entries: [String] = []
                for item in items {
                    guard let text = reader.string(item, "lists.\(name)") else { continue }
                    switch PolicyValueParsers.addressPattern(text) {
                    case .success(let e): entries.append(e)
                    case .failure(let e): reader.error("lists.\(name): \(e.message)", at: item)
                    }
                }
                lists.append(PolicyList(name: name, entries: entries, location: location))
            } else {
                reader.error("lists.\(name): expected a list of entries or {file: PATH}, got \(reader.describe(value))", at: value)
            }
        }
    }

    private func fileList(_ name: String, _ node: Node, _ location: PolicySourceLocation) -> PolicyList? {
        guard let keys = reader.mapping(node, "lists.\(name)", what: "list key", allowed: ["file"]),
              let fileNode = keys.first?.value else {
            if case .mapping(let m) = node, m.isEmpty { reader.error("lists.\(name): give the entries or {file: PATH}", at: node) }
            return nil
        }
        guard let path = reader.string(fileNode, "lists.\(name).file") else { return nil }
        let fullPath = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
        let display = path.hasPrefix("/") ? path : displayPath(forListFile: path)
        guard let text = try? String(contentsOfFile: fullPath, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: fullPath) ? "cannot read list file (not UTF-8 text, or no permission)"
                : "list file not found"
            reader.error("lists.\(name): \(reason): \(display)", at: fileNode)
            return PolicyList(name: name, entries: [], location: location)   // defined, so references to it stay quiet
        }
        var entries: [String] = []
        var places: [PolicySourceLocation] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let entry = content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !entry.isEmpty else { continue }
            let column = (rawLine.firstIndex { !$0.isWhitespace }).map { rawLine.distance(from: rawLine.startIndex, to: $0) + 1 } ?? 1
            let place = PolicySourceLocation(file: display, line: index + 1, column: column)
            switch PolicyValueParsers.addressPattern(entry) {
            case .success(let e): entries.append(e); places.append(place)
            case .failure(let e): reader.error("list '\(name)': \(e.message)", line: place.line, column: place.column, file: display)
            }
        }
        return PolicyList(name: name, entries: entries, location: location, entryLocations: places)
    }

    /// A list file as diagnostics name it: beside the policy file's own displayed path.
    private func displayPath(forListFile path: String) -> String {
        let directory = (reader.file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }
}
