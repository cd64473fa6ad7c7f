// DateParser: reads a calendar date at a token: 03/15/1984, 3/15/84, 1984-03-15, 15.03.1984,
// "March 3, 1984", "Mar. 3 1984", "3 March 1984". It only reads; DOBDetector decides what is a birth date.

import MailCore

struct CivilDate: Equatable, Comparable {
    var year: Int, month: Int, day: Int

    static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    var isValid: Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// Today (UTC) from seconds since 1970, by the days-to-civil algorithm.
    static func today(secondsSince1970 t: Double) -> CivilDate {
        let date = CivilCalendar.civil(fromDays: Int64((t / 86_400).rounded(.down)))
        return CivilDate(year: date.year, month: date.month, day: date.day)
    }
}

struct ParsedDate {
    var date: CivilDate
    var start: Int
    var end: Int
    /// First token after the date.
    var next: Int
}

struct DateParser {
    let months: (Token) -> Int?
    let pivotYear: Int   // two-digit years above this are 19xx

    private func number(_ text: ScanText, _ t: Token) -> Int {
        text.bytes[t.start..<t.end].reduce(0) { $0 * 10 + Int($1 &- 48) }
    }

    /// Numeric forms starting at a digit chain.
    func numeric(_ text: ScanText, _ chain: DigitChain) -> ParsedDate? {
        if chain.count == 3, !chain.isGluedAfter(groups: 3) {
            let toks = text.tokens
            let a = toks[chain.first], b = toks[chain.first + 1], c = toks[chain.first + 2]
            let sep = chain.joiner
            let (la, lb, lc) = (a.length, b.length, c.length)
            var date: CivilDate?
            if la == 4, lb <= 2, lc <= 2, sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") {
                date = CivilDate(year: number(text, a), month: number(text, b), day: number(text, c))
            } else if la <= 2, lb <= 2, lc == 4 || (lc == 2 && sep == UInt8(ascii: "/")) {
                var year = number(text, c)
                if lc == 2 { year += year > pivotYear ? 1900 : 2000 }
                let x = number(text, a), y = number(text, b)
                if sep == UInt8(ascii: ".") || x > 12 {
                    date = CivilDate(year: year, month: y, day: x)           // DD.MM.YYYY, 15/03/1984
                } else if sep != UInt8(ascii: " ") {
                    date = CivilDate(year: year, month: x, day: y)           // MM/DD/YYYY, MM-DD-YYYY
                }
            }
            if let d = date, d.isValid {
                return ParsedDate(date: d, start: a.start, end: c.end, next: chain.first + 3)
            }
            return nil
        }
        // "3 March 1984"
        let i = chain.first
        let toks = text.tokens
        guard chain.count == 1, toks[i].length <= 2, i + 2 < toks.count, let m = months(toks[i + 1]),
              toks[i + 1].start - toks[i].end == 1, text.byte(toks[i].end) == UInt8(ascii: " "),
              toks[i + 2].isNumeric, toks[i + 2].length == 4, toks[i + 2].start - toks[i + 1].end <= 2 else { return nil }
        let d = CivilDate(year: number(text, toks[i + 2]), month: m, day: number(text, toks[i]))
        return d.isValid ? ParsedDate(date: d, start: toks[i].start, end: toks[i + 2].end, next: i + 3) : nil
    }

    /// "March 3, 1984", "Mar. 3 1984", "March 3rd, 1984" starting at a month-name token.
    func named(_ text: ScanText, at i: Int, month m: Int) -> ParsedDate? {
        let toks = text.tokens
        guard i + 2 < toks.count else { return nil }
        let dayTok = toks[i + 1], yearTok = toks[i + 2]
        guard dayTok.start - toks[i].end <= 2, yearTok.start - dayTok.end <= 2,
              yearTok.isNumeric, yearTok.length == 4 else { return nil }
        var day = 0
        for b in text.bytes[dayTok.start..<dayTok.end] {
            guard Bytes.isDigit(b) else { break }
            day = day * 10 + Int(b &- 48)
        }
        guard dayTok.digits >= 1, dayTok.digits <= 2 else { return nil }
        if !dayTok.isNumeric {
            let suffix = String(decoding: text.bytes[(dayTok.start + dayTok.digits)..<dayTok.end], as: UTF8.self).lowercased()
            guard ["st", "nd", "rd", "th"].contains(suffix) else { return nil }
        }
        let d = CivilDate(year: number(text, yearTok), month: m, day: day)
        return d.isValid ? ParsedDate(date: d, start: toks[i].start, end: yearTok.end, next: i + 3) : nil
    }
}
