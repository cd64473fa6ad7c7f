// ICD10Detector: ICD-10-CM codes (E11.9, I10, S72.001A) shaped [A-TV-Z][0-9][0-9AB](.[0-9A-TV-Z]{1,4}),
// reported only with clinical context ("diagnosis", "dx", "ICD") before it on its line: bare codes are
// too easily part numbers or grid references, so without context nothing is reported.

struct ICD10Detector {
    let context = ContextWords(Vocabulary.icd10)
    let window: Int

    @inline(__always) private static func isCodeLetter(_ b: UInt8) -> Bool { Bytes.isUpper(b) && b != UInt8(ascii: "U") }

    /// The three-character category: letter, digit, digit-or-A/B.
    static func isCategory(_ c: ArraySlice<UInt8>) -> Bool {
        guard c.count == 3 else { return false }
        let a = c[c.startIndex], b = c[c.startIndex + 1], d = c[c.startIndex + 2]
        return isCodeLetter(a) && Bytes.isDigit(b) && (Bytes.isDigit(d) || d == UInt8(ascii: "A") || d == UInt8(ascii: "B"))
    }

    static func isExtension(_ c: ArraySlice<UInt8>) -> Bool {
        (1...4).contains(c.count) && c.allSatisfy { Bytes.isDigit($0) || isCodeLetter($0) }
    }

    func match(_ text: ScanText, at i: Int) -> Detection? {
        let toks = text.tokens
        let t = toks[i]
        guard !text.isGluedToPrevious(i) else { return nil }
        var last = i
        if t.length == 3 {
            guard ICD10Detector.isCategory(text.bytes[t.start..<t.end]) else { return nil }
            if i + 1 < toks.count, text.joiner(before: i + 1) == UInt8(ascii: "."),
               ICD10Detector.isExtension(text.bytes[toks[i + 1].start..<toks[i + 1].end]) {
                last = i + 1
            }
        } else if (4...7).contains(t.length) {
            // Written without the dot (E119): category plus extension in one token.
            guard ICD10Detector.isCategory(text.bytes[t.start..<(t.start + 3)]),
                  ICD10Detector.isExtension(text.bytes[(t.start + 3)..<t.end]) else { return nil }
        } else {
            return nil
        }
        guard !text.isGluedToNext(last) else { return Detection(next: last + 1, candidate: nil) }
        let s = t.start, e = toks[last].end
        guard context.occurs(in: text, from: text.leadingWindow(before: s, size: window), to: s) else {
            return Detection(next: last + 1, candidate: nil)
        }
        if precededByVitamin(text, s) { return Detection(next: last + 1, candidate: nil) }
        var value = text.string(s, e)
        if last == i, t.length > 3 { value.insert(".", at: value.index(value.startIndex, offsetBy: 3)) }
        return Detection(next: last + 1, candidate: Candidate(type: .icd10, value: value, sample: Masking.icd10(value),
                                                              confidence: last > i || t.length == 3 ? 0.9 : 0.8,
                                                              start: s, end: e))
    }

    /// "vitamin B12" is not a code.
    private func precededByVitamin(_ text: ScanText, _ s: Int) -> Bool {
        let from = max(0, s - 8)
        return String(decoding: text.bytes[from..<s], as: UTF8.self).lowercased().contains("vitamin")
    }
}
