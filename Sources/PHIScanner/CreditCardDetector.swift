// CreditCardDetector: payment card numbers (13-19 digits, bare or grouped by spaces/dashes) that pass
// Luhn and fall in a known issuer range with a length that issuer uses.

struct CreditCardDetector {
    let context = ContextWords(Vocabulary.card)
    let noise = ContextWords(Vocabulary.numberNoise)
    let window: Int

    /// Groupings people write cards in: 4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4.
    static let groupings: [[Int]] = [[4, 4, 4, 4, 3], [4, 4, 4, 4], [4, 6, 5], [4, 6, 4]]
    static let separators: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "-")]

    /// Issuer (IIN) ranges and the lengths they issue.
    static func issuerAccepts(_ d: [UInt8]) -> Bool {
        func prefix(_ n: Int) -> Int { d.prefix(n).reduce(0) { $0 * 10 + Int($1) } }
        let n = d.count
        let p2 = prefix(2), p3 = prefix(3), p4 = prefix(4)
        if d[0] == 4 { return n == 13 || n == 16 || n == 19 }                              // Visa
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return n == 16 }          // Mastercard
        if p2 == 34 || p2 == 37 { return n == 15 }                                         // Amex
        if p4 == 6011 || p2 == 65 || (644...649).contains(p3) { return (16...19).contains(n) } // Discover
        if (3528...3589).contains(p4) { return (16...19).contains(n) }                      // JCB
        if p2 == 36 || (300...305).contains(p3) { return (14...19).contains(n) }            // Diners
        return false
    }

    func match(_ text: ScanText, _ chain: DigitChain) -> Detection? {
        var groups = 0
        if chain.count == 1, (13...19).contains(chain.length(0)) {
            groups = 1
        } else if let g = CreditCardDetector.groupings.first(where: { chain.matches($0, joiners: CreditCardDetector.separators) }) {
            groups = g.count
        }
        guard groups > 0, !chain.isGluedAfter(groups: groups) else { return nil }
        let digits = chain.digits(groups: groups)
        guard CreditCardDetector.issuerAccepts(digits), Checksums.luhn(digits) else { return nil }
        let (s, e) = chain.span(groups: groups)
        let (ws, we) = text.window(s, e, size: window)
        let near = context.occurs(in: text, from: ws, to: we)
        if groups == 1 && text.isBusinessReference(s, noise: noise, positive: context) {
            return Detection(next: chain.first + 1, candidate: nil)
        }
        let value = digits.digitString
        return Detection(next: chain.first + groups,
                         candidate: Candidate(type: .creditCard, value: value, sample: Masking.lastFour(value),
                                              confidence: near ? 0.98 : 0.9, start: s, end: e))
    }
}
