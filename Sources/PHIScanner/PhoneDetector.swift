// PhoneDetector: North American (NANP) numbers: (415) 555-1234, 415-555-1234, 415.555.1234,
// 415 555 1234, +1 415 555 1234, 1-415-555-1234; a bare 10-digit run only next to a phone word.

struct PhoneDetector {
    let context = ContextWords(Vocabulary.phone)
    let noise = ContextWords(Vocabulary.numberNoise)
    let window: Int

    static let separators: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " ")]

    /// Area code and exchange start 2-9 and are not N11 service codes.
    static func isNANP(_ d: [UInt8]) -> Bool {
        guard d.count == 10 else { return false }
        func ok(_ k: Int) -> Bool { d[k] >= 2 && !(d[k + 1] == 1 && d[k + 2] == 1) }
        return ok(0) && ok(3)
    }

    func match(_ text: ScanText, _ chain: DigitChain) -> Detection? {
        let i = chain.first
        var lastToken = -1
        var hasFormat = true
        if let end = parenthesised(text, at: i) {
            lastToken = end
        } else if chain.length(0) == 1, text.byte(text.tokens[i].start) == UInt8(ascii: "1"),
                  let end = parenthesised(text, at: i + 1), gapIsCountryCodeGap(text, i) {
            lastToken = end
        } else if chain.matches([3, 3, 4], joiners: PhoneDetector.separators) {
            lastToken = i + 2
        } else if chain.matches([1, 3, 3, 4], joiners: PhoneDetector.separators), chain.digits(groups: 1) == [1] {
            lastToken = i + 3
        } else if chain.matches([10], joiners: []) {
            lastToken = i; hasFormat = false
        } else if chain.matches([11], joiners: []), text.byte(text.tokens[i].start) == UInt8(ascii: "1") {
            lastToken = i; hasFormat = false
        } else {
            return nil
        }
        guard !text.isGluedToNext(lastToken) else { return nil }
        var digits: [UInt8] = []
        for k in i...lastToken {
            let t = text.tokens[k]
            for b in text.bytes[t.start..<t.end] { digits.append(b &- 48) }
        }
        if digits.count == 11 { digits.removeFirst() }
        guard PhoneDetector.isNANP(digits) else { return nil }
        let s = text.tokens[i].start, e = text.tokens[lastToken].end
        let (ws, we) = text.window(s, e, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        if !hasFormat {
            // A bare run is a phone number only with a phone word close before it.
            let close = context.occurs(in: text, from: text.leadingWindow(before: s, size: 24), to: s)
            guard close, !text.isBusinessReference(s, noise: noise, positive: context) else {
                return Detection(next: lastToken + 1, candidate: nil)
            }
        }
        let value = digits.digitString
        return Detection(next: lastToken + 1,
                         candidate: Candidate(type: .phone, value: value, sample: Masking.phone(value),
                                              confidence: near ? 0.9 : 0.7, start: s, end: e))
    }

    /// "(415) 555-1234" starting at the area-code token; returns the index of the last token.
    private func parenthesised(_ text: ScanText, at i: Int) -> Int? {
        let toks = text.tokens
        guard i + 2 < toks.count else { return nil }
        let a = toks[i], b = toks[i + 1], c = toks[i + 2]
        guard a.isNumeric, a.length == 3, text.byte(a.start - 1) == UInt8(ascii: "("),
              text.byte(a.end) == UInt8(ascii: ")"), b.isNumeric, b.length == 3, c.isNumeric, c.length == 4
        else { return nil }
        guard b.start == a.end + 1 || (b.start == a.end + 2 && text.byte(a.end + 1) == UInt8(ascii: " ")) else {
            return nil
        }
        guard let j = text.joiner(before: i + 2), PhoneDetector.separators.contains(j) else { return nil }
        return i + 2
    }

    /// "+1 (415)" or "1(415)": only a space may sit between the country code and the parenthesis.
    private func gapIsCountryCodeGap(_ text: ScanText, _ i: Int) -> Bool {
        let gap = text.tokens[i + 1].start - text.tokens[i].end
        return gap == 1 || (gap == 2 && text.byte(text.tokens[i].end) == UInt8(ascii: " "))
    }
}
