// PhraseTable: an open-addressing table from a word's token hash to the phrases that start with it
// (health terms, MRN context words, month names), so each word of the text costs one probe.

struct PhraseTable: Sendable {
    enum Kind: Sendable, Equatable {
        /// A dictionary term; the index names its category.
        case term(category: Int)
        case mrnContext
        case month(Int)
    }

    struct Phrase: Sendable {
        /// Hashes of the words after the first.
        var rest: [UInt64]
        /// Punctuation the phrase ends with ("chart #"), matched after optional spaces.
        var trailer: [UInt8]
        var kind: Kind
        /// Stable number for de-duplication.
        var id: Int
    }

    private var keys: [UInt64] = []
    private var buckets: [[Phrase]] = []
    private var slots: [Int32] = []
    private var mask = 0

    init(_ entries: [(String, Kind)]) {
        var byFirst: [UInt64: [Phrase]] = [:]
        var order: [UInt64] = []
        for (n, (words, kind)) in entries.enumerated() {
            let t = ScanText(words)
            guard let first = t.tokens.first, let last = t.tokens.last else { continue }
            let trailer = t.bytes[last.end...].filter { $0 != UInt8(ascii: " ") }
            let phrase = Phrase(rest: t.tokens.dropFirst().map(\.hash), trailer: Array(trailer), kind: kind, id: n)
            if byFirst[first.hash] == nil { order.append(first.hash) }
            byFirst[first.hash, default: []].append(phrase)
        }
        var capacity = 16
        while capacity < order.count * 2 { capacity *= 2 }
        mask = capacity - 1
        slots = Array(repeating: -1, count: capacity)
        for h in order {
            var s = PhraseTable.slot(h, mask)
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(buckets.count)
            keys.append(h)
            // Longest phrase first, so "type 2 diabetes mellitus" wins over "type 2 diabetes".
            buckets.append((byFirst[h] ?? []).sorted { $0.rest.count > $1.rest.count })
        }
    }

    @inline(__always) private static func slot(_ h: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (h ^ (h >> 29)) &* 0xbf58_476d_1ce4_e5b9 >> 32) & mask
    }

    /// Phrases whose first word has this hash.
    @inline(__always) func phrases(startingWith h: UInt64) -> [Phrase]? {
        var s = PhraseTable.slot(h, mask)
        while true {
            let b = slots[s]
            if b < 0 { return nil }
            if keys[Int(b)] == h { return buckets[Int(b)] }
            s = (s + 1) & mask
        }
    }

    /// Does `phrase` continue at token `i`? Returns the byte offset where it ends (after its trailer).
    func matches(_ phrase: Phrase, _ text: ScanText, at i: Int) -> (lastToken: Int, end: Int)? {
        let toks = text.tokens
        guard i + phrase.rest.count < toks.count else { return nil }
        for (k, h) in phrase.rest.enumerated() {
            let a = toks[i + k], b = toks[i + k + 1]
            guard b.hash == h, b.start - a.end <= 3 else { return nil }
            for p in a.end..<b.start where !PhraseTable.isInnerSeparator(text.bytes[p]) { return nil }
        }
        let last = i + phrase.rest.count
        var end = toks[last].end
        if !phrase.trailer.isEmpty {
            while text.byte(end) == UInt8(ascii: " ") { end += 1 }
            for c in phrase.trailer {
                guard text.byte(end) == c else { return nil }
                end += 1
            }
        }
        return (last, end)
    }

    private static func isInnerSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "-") || b == UInt8(ascii: "'") || b == UInt8(ascii: "\n")
            || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }
}
