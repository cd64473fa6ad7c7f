// TextScanner: runs every detector over one text in a single walk of its tokens: digit runs go to the
// numeric detectors, mixed tokens to DEA/MBI/ICD-10, words to the phrase table (terms, MRN, months).

import MailCore

struct TextScanner: Sendable {
    let phrases: PhraseTable
    let categories: [String]
    let mrn: MRNDetector

    static let monthNames: [(String, Int)] = [
        ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4), ("apr", 4),
        ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8), ("aug", 8), ("september", 9),
        ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10), ("november", 11), ("nov", 11), ("december", 12),
        ("dec", 12),
    ]

    private let ssnD: SSNDetector, npiD: NPIDetector, cardD: CreditCardDetector, phoneD: PhoneDetector
    private let dobD: DOBDetector, deaD: DEADetector, mbiD: MBIDetector, icdD: ICD10Detector

    init(configuration c: ScannerConfiguration, dictionary: HealthTermDictionary) throws {
        guard (1...1000).contains(c.contextWindow) else { throw ScannerError.invalidContextWindow(c.contextWindow) }
        let w = c.contextWindow
        var entries: [(String, PhraseTable.Kind)] = []
        for word in c.mrnContextWords { entries.append((word, .mrnContext)) }
        for (name, m) in TextScanner.monthNames { entries.append((name, .month(m))) }
        for t in dictionary.terms { entries.append((t.term, .term(category: t.category))) }
        phrases = PhraseTable(entries)
        categories = dictionary.categories
        mrn = try MRNDetector(pattern: c.mrnPattern)
        ssnD = SSNDetector(window: w); npiD = NPIDetector(window: w); cardD = CreditCardDetector(window: w)
        phoneD = PhoneDetector(window: w); dobD = DOBDetector(window: w); deaD = DEADetector(window: w)
        mbiD = MBIDetector(window: w); icdD = ICD10Detector(window: w)
    }

    func scan(_ text: ScanText, part: String, today: CivilDate) -> [Finding] {
        var out = FindingCollector(part: part)
        var dobState = DOBDetector.State()
        let dates = DateParser(months: { self.month($0) }, pivotYear: today.year % 100)
        let toks = text.tokens
        var claimedUntil = 0
        var i = 0
        tokens: while i < toks.count {
            let t = toks[i]
            if t.start < claimedUntil { i += 1; continue }
            if t.isNumeric {
                if text.isGluedToPrevious(i) { i += 1; continue }
                let chain = DigitChain(text, at: i)
                if let d = numeric(text, chain, dates, today, &dobState) {
                    if let c = d.candidate { out.add(c) }
                    i = max(d.next, i + 1)
                } else {
                    i += 1
                }
                continue
            }
            if t.isAlphabetic {
                if let bucket = phrases.phrases(startingWith: t.hash) {
                    for ph in bucket {
                        guard let (last, end) = phrases.matches(ph, text, at: i) else { continue }
                        switch ph.kind {
                        case .mrnContext:
                            if let c = mrn.match(text, phraseEnd: end, firstTokenAfter: last + 1) {
                                out.add(c); claimedUntil = c.end; i = last + 1; continue tokens
                            }
                        case .month(let m):
                            if let p = dates.named(text, at: i, month: m) {
                                if let c = dobD.judge(text, p, today: today, state: &dobState) { out.add(c) }
                                i = p.next; continue tokens
                            }
                        case .term(let category):
                            out.add(Candidate(type: .healthTerm, value: "term \(ph.id)",
                                              sample: Masking.term(category: categories[category]), confidence: 0.5,
                                              start: t.start, end: toks[last].end))
                            i = last + 1; continue tokens
                        }
                    }
                }
                i += 1
                continue
            }
            if !text.isGluedToPrevious(i),
               let d = deaD.match(text, at: i) ?? mbiD.match(text, at: i) ?? icdD.match(text, at: i) {
                if let c = d.candidate { out.add(c) }
                i = max(d.next, i + 1)
                continue
            }
            i += 1
        }
        return out.findings
    }

    /// Numeric detectors in priority order; the first that recognises the shape consumes the tokens.
    private func numeric(_ text: ScanText, _ chain: DigitChain, _ dates: DateParser, _ today: CivilDate,
                         _ state: inout DOBDetector.State) -> Detection? {
        if let d = cardD.match(text, chain) ?? ssnD.match(text, chain) ?? npiD.match(text, chain)
            ?? phoneD.match(text, chain) { return d }
        if let p = dates.numeric(text, chain) {
            return Detection(next: p.next, candidate: dobD.judge(text, p, today: today, state: &state))
        }
        return nil
    }

    /// The month a word names, if any.
    func month(_ t: Token) -> Int? {
        guard let bucket = phrases.phrases(startingWith: t.hash) else { return nil }
        for ph in bucket where ph.rest.isEmpty { if case .month(let m) = ph.kind { return m } }
        return nil
    }
}
