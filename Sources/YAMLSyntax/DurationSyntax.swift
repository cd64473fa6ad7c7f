// The one duration syntax of the config and policy files: a whole number and one of Postfix's
// time units, s m h d w (`30s`, `5m`, `2h`, `5d`, `1w`).
import Foundation

public enum DurationSyntax {
    static let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
    static let hint = "use a whole number followed by s, m, h, d or w (e.g. 30s, 5m, 2h, 5d, 1w)"
    /// 100 years: longer is a typo, and keeps every product within Int.
    static let maximum = 100 * 365 * 86_400

    /// Seconds. The unit is lower case and follows the number directly.
    public static func parse(_ text: String) -> Result<TimeInterval, YAMLValueError> {
        func failure(_ reason: String) -> Result<TimeInterval, YAMLValueError> {
            .failure(YAMLValueError("bad duration '\(text)': \(reason)"))
        }
        if text.hasPrefix("-") { return failure("a duration cannot be negative") }
        let digits = text.prefix(while: \.isASCIIDigit)
        let unit = text.dropFirst(digits.count)
        guard !digits.isEmpty, !unit.isEmpty else { return failure(hint) }
        guard unit.count == 1, let symbol = unit.first, let factor = units[symbol] else {
            let first = unit.first.map(String.init) ?? ""
            if first == "." { return failure("durations are whole numbers; " + hint) }
            if first == " " { return failure("no space between the number and its unit; " + hint) }
            if let symbol = unit.first, units[symbol] != nil {
                return failure("one number and one unit only (write 90m, not 1h30m)")
            }
            return failure("unknown unit '\(unit)'; " + hint)
        }
        guard let n = Int(digits), n <= maximum / factor else { return failure("longer than 100 years") }
        return .success(TimeInterval(n * factor))
    }

    /// The inverse of `parse` for whole seconds: the largest unit that divides evenly (`14d`, `90m`, `45s`).
    public static func format(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        for (symbol, factor) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)] where whole != 0 && whole % factor == 0 {
            return "\(whole / factor)\(symbol)"
        }
        return "\(whole)s"
    }
}
