// The one size syntax of the config and policy files: plain bytes, or a whole number with a
// decimal unit (KB, MB, GB: powers of 1000) or a binary one (KiB, MiB, GiB: powers of 1024).

public enum ByteSizeSyntax {
    /// Unit names are matched without regard to case (`mb` is `MB`), but `MB` is never `MiB`.
    static let units: [String: Int] = [
        "": 1, "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
    ]

    static let hint = "use a whole number of bytes, optionally followed by KB, MB, GB (powers of 1000) "
        + "or KiB, MiB, GiB (powers of 1024), e.g. 10MB or 35MiB"

    /// `1048576`, `10MB` (10,000,000), `10 MiB` (10,485,760), `64kib`; one space may separate
    /// the number from its unit.
    public static func parse(_ text: String) -> Result<Int, YAMLValueError> {
        func failure(_ reason: String) -> Result<Int, YAMLValueError> { .failure(YAMLValueError("bad size '\(text)': \(reason)")) }
        if text.hasPrefix("-") { return failure("a size cannot be negative") }
        let digits = text.prefix(while: \.isASCIIDigit)
        var unit = text.dropFirst(digits.count)
        guard !digits.isEmpty else { return failure(hint) }
        if unit.hasPrefix(".") || unit.hasPrefix(",") { return failure("sizes are whole numbers; " + hint) }
        if unit.hasPrefix(" ") { unit = unit.dropFirst() }
        guard let factor = units[unit.lowercased()] else {
            if ["k", "m", "g"].contains(unit.lowercased()) {
                return failure("'\(unit)' alone is ambiguous: write \(unit.uppercased())B (powers of 1000) or \(unit.uppercased())iB (powers of 1024)")
            }
            return failure("unknown unit '\(unit)'; " + hint)
        }
        guard let n = Int(digits), n <= Int.max / factor else { return failure("the number is too large") }
        return .success(n * factor)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
