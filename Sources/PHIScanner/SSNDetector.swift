// SSNDetector: US Social Security numbers, NNN-NN-NNNN or NNN NN NNNN, or a bare nine-digit run
// next to an SSN context word. Ranges per SSA: area not 000/666/9xx, group not 00, serial not 0000.

struct SSNDetector {
    let context = ContextWords(Vocabulary.ssn)
    let noise = ContextWords(Vocabulary.numberNoise)
    let window: Int

    /// Numbers that are structurally valid but publicly known not to be anyone's SSN (the Woolworth
    /// wallet card, the SSA's advertising card, a widely published identity-theft ad). 123-45-6789 is
    /// deliberately NOT here: senders use it as a test value, and a gateway that fails closed should
    /// treat a test message exactly as it would treat real PHI.
    static let published: Set<String> = ["078051120", "219099999", "457555462"]

    static func isValid(_ d: [UInt8]) -> Bool {
        guard d.count == 9 else { return false }
        let area = Int(d[0]) * 100 + Int(d[1]) * 10 + Int(d[2])
        let group = Int(d[3]) * 10 + Int(d[4])
        let serial = Int(d[5]) * 1000 + Int(d[6]) * 100 + Int(d[7]) * 10 + Int(d[8])
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return false }
        return !published.contains(d.digitString)
    }

    func match(_ text: ScanText, _ chain: DigitChain) -> Detection? {
        let dashed = chain.matches([3, 2, 4], joiners: [UInt8(ascii: "-")])
        let spaced = !dashed && chain.matches([3, 2, 4], joiners: [UInt8(ascii: " ")])
        let bare = chain.matches([9], joiners: [])
        guard dashed || spaced || bare else { return nil }
        let groups = bare ? 1 : 3
        guard !chain.isGluedAfter(groups: groups) else { return Detection(next: chain.first + chain.count, candidate: nil) }
        let next = chain.first + groups
        let digits = chain.digits(groups: groups)
        guard SSNDetector.isValid(digits) else { return Detection(next: next, candidate: nil) }
        let (s, e) = chain.span(groups: groups)
        let (ws, we) = text.window(s, e, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        if bare {
            // A bare run needs its context word close before it, and not a reference word in between.
            let close = context.occurs(in: text, from: text.leadingWindow(before: s, size: 24), to: s)
            guard close, !text.isBusinessReference(s, noise: noise, positive: context) else {
                return Detection(next: next, candidate: nil)
            }
        }
        let confidence: Double
        switch (dashed, spaced, near) {
        case (true, _, true): confidence = 0.97
        case (true, _, false): confidence = 0.85
        case (_, true, true): confidence = 0.95
        case (_, true, false): confidence = 0.7
        case (_, _, true): confidence = 0.9
        default: return Detection(next: next, candidate: nil)   // a bare 9-digit run needs context
        }
        let value = digits.digitString
        return Detection(next: next, candidate: Candidate(type: .ssn, value: value, sample: Masking.ssn(value),
                                                          confidence: confidence, start: s, end: e))
    }
}
