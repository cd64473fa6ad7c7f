// ContextWords: case-insensitive whole-word search for a small list of words in a window of text,
// used to raise (or, for negative words, withdraw) a candidate's confidence.

struct ContextWords: Sendable {
    private let words: [[UInt8]]
    /// A word written with a trailing `*` also matches longer words ("diagnos*" finds "diagnosis").
    private let isPrefix: [Bool]
    /// Indices of the words that start with each (lower-case) byte, so most positions cost one probe.
    private let byFirstByte: [[Int]]
    /// Bit b of `firstBytes[b >> 6]` is set when some word starts with byte b (a cheap first test).
    private let firstBytes: (UInt64, UInt64, UInt64, UInt64)

    init(_ list: [String]) {
        var words: [[UInt8]] = [], prefix: [Bool] = []
        var byFirst = [[Int]](repeating: [], count: 256)
        for raw in list {
            var w = Array(raw.utf8).map(Bytes.lower)
            let p = w.last == UInt8(ascii: "*")
            if p { w.removeLast() }
            guard let first = w.first, first < 128 else { continue }
            byFirst[Int(first)].append(words.count)
            words.append(w); prefix.append(p)
        }
        self.words = words; self.isPrefix = prefix; self.byFirstByte = byFirst
        var bits: [UInt64] = [0, 0, 0, 0]
        for (b, list) in byFirst.enumerated() where !list.isEmpty { bits[b >> 6] |= 1 << UInt64(b & 63) }
        self.firstBytes = (bits[0], bits[1], bits[2], bits[3])
    }

    var isEmpty: Bool { words.isEmpty }

    /// True when any word occurs within `start..<end`.
    func occurs(in text: ScanText, from start: Int, to end: Int) -> Bool {
        lastOccurrence(in: text, from: start, to: end) != nil
    }

    /// The start offset of the last occurrence of any word within `start..<end`.
    func lastOccurrence(in text: ScanText, from start: Int, to end: Int) -> Int? {
        let lo = max(0, start), hi = min(end, text.bytes.count)
        guard lo < hi else { return nil }
        let (m0, m1, _, _) = firstBytes   // words are ASCII: bytes >= 128 never start one
        return text.bytes.withUnsafeBufferPointer { p -> Int? in
            var i = hi - 1
            while i >= lo {
                let b = Bytes.lower(p[i])
                let mask = b < 64 ? m0 : m1
                if b >= 128 || mask & (1 << UInt64(b & 63)) == 0 { i -= 1; continue }
                let candidates = byFirstByte[Int(b)]
                // Words start at a word boundary (unless the word itself starts with punctuation).
                if !candidates.isEmpty, i == 0 || !Bytes.isWord(p[i - 1]) || !Bytes.isWord(b) {
                    for k in candidates where i + words[k].count <= hi && matches(words[k], p, at: i, prefix: isPrefix[k]) {
                        return i
                    }
                }
                i -= 1
            }
            return nil
        }
    }

    private func matches(_ w: [UInt8], _ p: UnsafeBufferPointer<UInt8>, at i: Int, prefix: Bool) -> Bool {
        for k in 1..<w.count where Bytes.lower(p[i + k]) != w[k] { return false }
        let after = i + w.count
        if !prefix, let last = w.last, Bytes.isWord(last), after < p.count, Bytes.isWord(p[after]) { return false }
        return true
    }
}

/// The windows a candidate's context is looked for in.
extension ScanText {
    /// `size` scalars either side of `start..<end`: where context raises confidence.
    func window(_ start: Int, _ end: Int, size: Int) -> (Int, Int) {
        (back(from: start, scalars: size), forward(from: end, scalars: size))
    }

    /// Where a word must be for a candidate that *needs* context (a bare digit run, an ICD-10 code):
    /// up to `size` scalars before it on its own line, or also the previous line when the candidate
    /// opens its line ("SSN:\n123456789", a table cell). Returns the window's start.
    func leadingWindow(before start: Int, size: Int) -> Int {
        let limit = back(from: start, scalars: size)
        var i = start
        while i > limit, bytes[i - 1] != UInt8(ascii: "\n") { i -= 1 }
        guard i > limit, bytes[i..<start].allSatisfy({ !Bytes.isWord($0) }) else { return i }
        i -= 1
        while i > limit, bytes[i - 1] != UInt8(ascii: "\n") { i -= 1 }
        return i
    }

    /// True when a business-reference word ("order", "tracking") sits just before `start` on its line
    /// and no word from `positive` does: the number is a reference, not PHI.
    func isBusinessReference(_ start: Int, noise: ContextWords, positive: ContextWords) -> Bool {
        let from = leadingWindow(before: start, size: 24)
        return noise.occurs(in: self, from: from, to: start) && !positive.occurs(in: self, from: from, to: start)
    }
}
