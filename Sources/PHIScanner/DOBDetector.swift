// DOBDetector: a date is a date of birth only with birth context ("DOB", "date of birth", "born")
// just before it (or right after it) and only if it is a plausible past date (1900 up to today).

struct DOBDetector {
    let context = ContextWords(Vocabulary.birth)
    let window: Int

    /// Per-text state: a context word is used by one date only, so in "DOB 01/02/1980, seen 03/04/2024"
    /// the visit date does not inherit the birth context.
    struct State { var lastUsedContext = -1 }

    func judge(_ text: ScanText, _ p: ParsedDate, today: CivilDate, state: inout State) -> Candidate? {
        guard p.date.year >= 1900, p.date <= today else { return nil }
        let before = context.lastOccurrence(in: text, from: text.back(from: p.start, scalars: window), to: p.start)
        var confidence = 0.95
        if let b = before, b > state.lastUsedContext {
            state.lastUsedContext = b
        } else if context.occurs(in: text, from: p.end, to: sameLine(text, from: p.end, scalars: 8)) {
            confidence = 0.9
        } else {
            return nil
        }
        let d = p.date
        return Candidate(type: .dob, value: "\(d.year)-\(d.month)-\(d.day)", sample: Masking.date(year: d.year),
                         confidence: confidence, start: p.start, end: p.end)
    }

    /// Up to `scalars` characters after `start`, stopping at the end of the line ("03/15/1984 (DOB)").
    private func sameLine(_ text: ScanText, from start: Int, scalars: Int) -> Int {
        let limit = text.forward(from: start, scalars: scalars)
        var i = start
        while i < limit && text.bytes[i] != UInt8(ascii: "\n") && text.bytes[i] != UInt8(ascii: "\r") { i += 1 }
        return i
    }
}
