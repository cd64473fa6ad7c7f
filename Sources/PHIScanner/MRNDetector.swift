// MRNDetector: a medical record number is an identifier right after an MRN context word ("MRN:",
// "medical record #", "patient ID no."), matched by the configured pattern. No context, no MRN.

import Foundation

struct MRNDetector: @unchecked Sendable {   // NSRegularExpression is immutable and thread-safe once built
    private let regex: NSRegularExpression
    /// The default pattern is matched by hand (`defaultIdentifierLength`), without a regex.
    private let isDefaultPattern: Bool
    /// Words allowed between the context phrase and the identifier ("MRN number: ...").
    private static let fillers: Set<UInt64> = Set(["no", "number", "num", "nbr", "is", "id"].map { Bytes.hash($0.utf8) })

    init(pattern: String) throws {
        do { regex = try NSRegularExpression(pattern: pattern) } catch { throw ScannerError.invalidMRNPattern(pattern) }
        isDefaultPattern = pattern == ScannerConfiguration.defaultMRNPattern
    }

    /// `end` is where the context phrase (with its trailer) ends.
    func match(_ text: ScanText, phraseEnd end: Int, firstTokenAfter j: Int) -> Candidate? {
        var p = end
        var k = j
        for _ in 0..<3 {
            p = skipSeparators(text, from: p)
            guard k < text.tokens.count, text.tokens[k].start == p, MRNDetector.fillers.contains(text.tokens[k].hash),
                  !text.tokens[k].isNumeric, text.tokens[k].length <= 6
            else { break }
            p = text.tokens[k].end; k += 1
        }
        p = skipSeparators(text, from: p)
        guard p < text.bytes.count, Bytes.isWord(text.bytes[p]), !(p > 0 && Bytes.isWord(text.bytes[p - 1])) else { return nil }
        let e: Int
        if isDefaultPattern {
            guard let n = MRNDetector.defaultIdentifierLength(text, at: p) else { return nil }
            e = p + n
        } else {
            let slice = text.string(p, min(text.bytes.count, p + 48))   // no identifier is longer
            let ns = slice as NSString
            guard let m = regex.firstMatch(in: slice, options: [.anchored], range: NSRange(location: 0, length: ns.length)),
                  m.range.length > 0 else { return nil }
            e = p + ns.substring(with: m.range).utf8.count
        }
        guard !Bytes.isWord(text.byte(e)) else { return nil }
        let value = text.string(p, e).uppercased()
        return Candidate(type: .mrn, value: value, sample: Masking.lastFour(value), confidence: 0.9, start: p, end: e)
    }

    private func skipSeparators(_ text: ScanText, from start: Int) -> Int {
        var p = start
        while p < text.bytes.count, p - start < 12,
              " \t:#.=-(),;|\r\n".utf8.contains(text.bytes[p]) { p += 1 }
        return p
    }

    /// `defaultMRNPattern` by hand: a run of 6-12 ASCII letters/digits, at least 5 of them digits,
    /// not followed by another letter or digit. Returns its length in bytes.
    static func defaultIdentifierLength(_ text: ScanText, at p: Int) -> Int? {
        var i = p, digits = 0
        while i < text.bytes.count, Bytes.isDigit(text.bytes[i]) || Bytes.isASCIILetter(text.bytes[i]) {
            if Bytes.isDigit(text.bytes[i]) { digits += 1 }
            i += 1
        }
        let n = i - p
        return (6...12).contains(n) && digits >= 5 ? n : nil
    }
}
