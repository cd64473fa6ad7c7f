// DEADetector: DEA registration numbers: a registrant-type letter, a second letter (or 9), seven
// digits whose last is the check digit ((d1+d3+d5) + 2*(d2+d4+d6)) mod 10. Upper case only.

struct DEADetector {
    let context = ContextWords(Vocabulary.dea)
    let window: Int

    /// Registrant types: practitioners, hospitals, pharmacies, mid-levels (M), distributors, and so on.
    static let registrantTypes = Set("ABCDEFGHJKLMPRSTUX".utf8)

    static func isValid(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count == 9 else { return false }
        let c = Array(b)
        guard registrantTypes.contains(c[0]), Bytes.isUpper(c[1]) || c[1] == UInt8(ascii: "9") else { return false }
        guard c[2...].allSatisfy(Bytes.isDigit) else { return false }
        return Checksums.dea(c[2...].map { $0 &- 48 })
    }

    func match(_ text: ScanText, at i: Int) -> Detection? {
        let t = text.tokens[i]
        guard t.length == 9, t.digits == 7, !text.isGluedToNext(i),
              DEADetector.isValid(text.bytes[t.start..<t.end]) else { return nil }
        let (ws, we) = text.window(t.start, t.end, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        let value = text.string(of: t)
        return Detection(next: i + 1, candidate: Candidate(type: .dea, value: value, sample: Masking.lastFour(value),
                                                           confidence: near ? 0.97 : 0.8, start: t.start, end: t.end))
    }
}
