// DigitChain: numeric tokens glued by one repeated separator ("123-45-6789", "4111 1111 1111 1111",
// "03/15/1984"), read without allocating; the shape every numeric detector matches against.

struct DigitChain {
    let first: Int
    /// Tokens in the chain (1 for a bare digit run).
    let count: Int
    /// The separator between the tokens; 0 for a bare run.
    let joiner: UInt8
    private let text: ScanText

    static let joiners: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: " ")]

    init(_ text: ScanText, at i: Int) {
        self.text = text; self.first = i
        var count = 1, sep: UInt8 = 0
        var k = i + 1
        while k < text.tokens.count, text.tokens[k].isNumeric, let j = text.joiner(before: k) {
            if sep == 0 {
                guard DigitChain.joiners.contains(j) else { break }
                sep = j
            } else if j != sep { break }
            count += 1; k += 1
            if count == 8 { break }
        }
        self.count = count; self.joiner = count > 1 ? sep : 0
    }

    func length(_ k: Int) -> Int { text.tokens[first + k].length }

    /// Does the chain have these group lengths? With "-", "." or "/" every group must be used
    /// (a longer chain is a different identifier); with spaces the pattern may be a prefix.
    func matches(_ pattern: [Int], joiners allowed: [UInt8]) -> Bool {
        if pattern.count == 1 { return count == 1 && length(0) == pattern[0] }
        guard allowed.contains(joiner) else { return false }
        if joiner == UInt8(ascii: " ") { guard count >= pattern.count else { return false } }
        else { guard count == pattern.count else { return false } }
        for (k, n) in pattern.enumerated() where length(k) != n { return false }
        return true
    }

    /// Digit values of the first `groups` tokens.
    func digits(groups: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for k in 0..<groups {
            let t = text.tokens[first + k]
            for b in text.bytes[t.start..<t.end] { out.append(b &- 48) }
        }
        return out
    }

    /// Byte span of the first `groups` tokens.
    func span(groups: Int) -> (Int, Int) { (text.tokens[first].start, text.tokens[first + groups - 1].end) }

    /// True when the token after the first `groups` is glued on by a strong separator.
    func isGluedAfter(groups: Int) -> Bool { text.isGluedToNext(first + groups - 1) }
}

extension Array where Element == UInt8 {
    /// Digit values as a string ("123456789").
    var digitString: String { String(decoding: map { $0 &+ 48 }, as: UTF8.self) }
}
