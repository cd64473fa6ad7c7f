// A named list of domains or addresses (`lists:` in a policy file, inline or from a file),
// referenced as `@name` in conditions. Entries are normalised when the list is loaded.

public struct PolicyList: Sendable {
    public var name: String
    /// Lower-cased, IDN domains in A-label form: `example.org`, `*.example.org`, `a@b.example`, `*@b.example`.
    public var entries: [String]
    /// Where the list is defined (its key in `lists:`).
    public var location: PolicySourceLocation
    /// For list files: each entry's own line in that file (same order as `entries`).
    var entryLocations: [PolicySourceLocation]

    public init(name: String, entries: [String], location: PolicySourceLocation) {
        self.name = name; self.entries = entries; self.location = location
        self.entryLocations = Array(repeating: location, count: entries.count)
    }

    init(name: String, entries: [String], location: PolicySourceLocation, entryLocations: [PolicySourceLocation]) {
        self.name = name; self.entries = entries; self.location = location; self.entryLocations = entryLocations
    }
}
