// MBIDetector: Medicare Beneficiary Identifiers, 11 characters by the CMS position rules, with or
// without the dashes after positions 4 and 7 (1EG4-TE5-MK73). Upper case only.

struct MBIDetector {
    let context = ContextWords(Vocabulary.mbi)
    let window: Int

    private enum Slot { case nonZero, letter, alnum, digit }
    private static let slots: [Slot] = [.nonZero, .letter, .alnum, .digit, .letter, .alnum, .digit, .letter, .letter,
                                        .digit, .digit]
    /// Letters CMS never uses in an MBI (they look like digits).
    private static let excluded = Set("SLOIBZ".utf8)

    static func isValid(_ c: [UInt8]) -> Bool {
        guard c.count == 11 else { return false }
        for (b, slot) in zip(c, slots) {
            let letter = Bytes.isUpper(b) && !excluded.contains(b)
            switch slot {
            case .nonZero: guard b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9") else { return false }
            case .letter: guard letter else { return false }
            case .alnum: guard letter || Bytes.isDigit(b) else { return false }
            case .digit: guard Bytes.isDigit(b) else { return false }
            }
        }
        return true
    }

    func match(_ text: ScanText, at i: Int) -> Detection? {
        let toks = text.tokens
        var last = i
        if toks[i].length == 11 {
            last = i
        } else if toks[i].length == 4, i + 2 < toks.count, toks[i + 1].length == 3, toks[i + 2].length == 4,
                  text.joiner(before: i + 1) == UInt8(ascii: "-"), text.joiner(before: i + 2) == UInt8(ascii: "-") {
            last = i + 2
        } else {
            return nil
        }
        guard !text.isGluedToNext(last) else { return nil }
        var chars: [UInt8] = []
        for k in i...last { chars.append(contentsOf: text.bytes[toks[k].start..<toks[k].end]) }
        guard MBIDetector.isValid(chars) else { return nil }
        let s = toks[i].start, e = toks[last].end
        let (ws, we) = text.window(s, e, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        let value = String(decoding: chars, as: UTF8.self)
        return Detection(next: last + 1, candidate: Candidate(type: .mbi, value: value, sample: Masking.lastFour(value),
                                                              confidence: near ? 0.97 : 0.85, start: s, end: e))
    }
}
