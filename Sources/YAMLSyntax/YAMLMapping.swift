// YAMLMapping: the entries of one mapping that passed the unknown-key check, in document order,
// each with its key node and value node so later diagnostics can point at either.
import Yams

public struct YAMLMapping {
    public struct Entry {
        public var key: String
        public var keyNode: Node
        public var value: Node
    }

    public var entries: [Entry] = []
    /// Where the mapping is introduced (its key, `delivery:`, when the caller gives it), else where it starts.
    public var mark: Mark?

    public init(entries: [Entry] = [], mark: Mark?) { self.entries = entries; self.mark = mark }

    /// The value under `key`, if the file gave one.
    public subscript(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    public func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }
}

extension YAMLMapping: RandomAccessCollection {
    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }
}
