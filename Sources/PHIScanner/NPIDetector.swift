// NPIDetector: National Provider Identifiers: ten digits starting with 1 or 2 whose last digit is the
// CMS check digit (Luhn over "80840" + the number). Business-reference words nearby withdraw a bare hit.

struct NPIDetector {
    let context = ContextWords(Vocabulary.npi)
    let noise = ContextWords(Vocabulary.numberNoise)
    let phoneContext = ContextWords(Vocabulary.phone)
    let window: Int

    static func isValid(_ d: [UInt8]) -> Bool {
        d.count == 10 && (d[0] == 1 || d[0] == 2) && Checksums.npi(d)
    }

    func match(_ text: ScanText, _ chain: DigitChain) -> Detection? {
        guard chain.matches([10], joiners: []), !chain.isGluedAfter(groups: 1) else { return nil }
        let digits = chain.digits(groups: 1)
        guard NPIDetector.isValid(digits) else { return nil }
        let (s, e) = chain.span(groups: 1)
        let (ws, we) = text.window(s, e, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        // A bare number that also reads as a phone number next to a phone word is left to the phone detector.
        if !near && PhoneDetector.isNANP(digits)
            && phoneContext.occurs(in: text, from: text.leadingWindow(before: s, size: 24), to: s) { return nil }
        if text.isBusinessReference(s, noise: noise, positive: context) {
            return Detection(next: chain.first + 1, candidate: nil)
        }
        let value = digits.digitString
        return Detection(next: chain.first + 1,
                         candidate: Candidate(type: .npi, value: value, sample: Masking.lastFour(value),
                                              confidence: near ? 0.97 : 0.75, start: s, end: e))
    }
}
