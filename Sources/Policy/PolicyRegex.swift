// A regular expression from a policy file, compiled once at load time and matched
// case-insensitively (as Postfix header_checks do); `(?-i)` in the pattern turns that off.
import YAMLSyntax

final class PolicyRegex: @unchecked Sendable {
    // Regex is not marked Sendable; this wrapper is immutable after init and the regex is
    // compiled eagerly there, so matching from several threads only reads it.
    private let regex: Regex<AnyRegexOutput>
    let source: String

    /// Returns the compiler's message on a bad pattern.
    static func compile(_ source: String) -> Result<PolicyRegex, YAMLValueError> {
        do {
            let regex = try Regex(source).ignoresCase()
            return .success(PolicyRegex(regex: regex, source: source))
        } catch {
            return .failure(YAMLValueError("bad regex '\(source)': \(error)"))
        }
    }

    private init(regex: Regex<AnyRegexOutput>, source: String) {
        self.regex = regex
        self.source = source
        _ = matches("")   // forces compilation of the matching program now, not on first use
    }

    func matches(_ text: String) -> Bool {
        ((try? regex.firstMatch(in: text)) ?? nil) != nil
    }
}
