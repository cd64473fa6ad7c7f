// HealthTermDictionary: reads health-term files: one term per line, `#` starts a comment, and a
// `[category]` line (diagnosis, drug, procedure...) names the category of the terms below it.

import Foundation

struct HealthTermDictionary {
    var categories: [String] = []
    var terms: [(term: String, category: Int)] = []

    /// The category used for terms before any `[category]` line.
    static let defaultCategory = "health term"

    mutating func add(contentsOf text: String) {
        var category = categoryIndex(HealthTermDictionary.defaultCategory)
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                let name = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).lowercased()
                category = categoryIndex(name.isEmpty ? HealthTermDictionary.defaultCategory : name)
                continue
            }
            terms.append((trimmed.lowercased(), category))
        }
    }

    mutating func add(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScannerError.unreadableDictionary(path: path)
        }
        add(contentsOf: String(decoding: data, as: UTF8.self))
    }

    private mutating func categoryIndex(_ name: String) -> Int {
        if let k = categories.firstIndex(of: name) { return k }
        categories.append(name)
        return categories.count - 1
    }

    /// The dictionary shipped in the target's resources.
    static func builtinPath() -> String? {
        Bundle.module.url(forResource: "health-terms", withExtension: "txt", subdirectory: "Resources")?.path
            ?? Bundle.module.url(forResource: "health-terms", withExtension: "txt")?.path
    }
}
