// Masking: the only form in which a detected value ever leaves the scanner. Identifiers keep their
// last four characters; dates keep the year; ICD-10 codes keep the chapter letter; terms their category.

enum Masking {
    /// All but the last four characters become `*` (`******3093`, `************1111`).
    static func lastFour(_ value: String) -> String {
        let bytes = Array(value.utf8)   // identifiers are ASCII by construction
        var out = [UInt8](repeating: UInt8(ascii: "*"), count: bytes.count)
        if bytes.count > 4 { out.replaceSubrange((bytes.count - 4)..., with: bytes.suffix(4)) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `***-**-6789`.
    static func ssn(_ digits: String) -> String { "***-**-" + String(decoding: digits.utf8.suffix(4), as: UTF8.self) }

    /// `***-***-1234`.
    static func phone(_ digits: String) -> String { "***-***-" + String(decoding: digits.utf8.suffix(4), as: UTF8.self) }

    /// `**/**/1984`: month and day hidden, the year (Safe Harbor allows it) kept.
    static func date(year: Int) -> String { "**/**/\(year)" }

    /// `E**.*`: the chapter letter only; the rest of the code (which names the diagnosis) hidden.
    static func icd10(_ code: String) -> String {
        var out = ""
        for (k, c) in code.enumerated() { out.append(k == 0 || c == "." ? c : "*") }
        return out
    }

    /// `[diagnosis]`: a dictionary term is reported by its category, never by the word.
    static func term(category: String) -> String { "[\(category)]" }
}
