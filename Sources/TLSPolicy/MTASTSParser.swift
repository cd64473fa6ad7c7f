// Parsers for MTA-STS text: the policy file served over HTTPS (RFC 8461 §3.2) and the
// `_mta-sts` TXT record (§3.1). Pure functions; errors name the offending line.
public struct MTASTSParseError: Error, Equatable, CustomStringConvertible {
    /// 1-based line of the policy file; 0 when the problem is the file as a whole (a missing field).
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "mta-sts.txt line \(line): \(message)" : "mta-sts.txt: \(message)"
    }
}

public enum MTASTSParser {
    /// The largest `max_age` RFC 8461 allows (about one year).
    public static let maxAgeLimit = 31_557_600

    /// Parses a policy file: `key: value` lines separated by LF or CRLF. `version` must be
    /// STSv1, `mode` and `max_age` are required, `mx` is required unless the mode is `none`.
    /// Unknown keys are ignored; a repeated `version`, `mode` or `max_age` is an error.
    /// Blank lines are skipped.
    public static func parsePolicy(_ body: String) throws -> MTASTSPolicy {
        var version: String?
        var mode: MTASTSMode?
        var maxAge: Int?
        var mx: [String] = []
        var lineNumber = 0
        // Split on LF bytes: Swift treats "\r\n" as one Character, so split below that level.
        for rawLine in body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = rawLine[...]
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            let line = Substring(String(decoding: bytes, as: UTF8.self))
            if line.allSatisfy(isWSP) { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw MTASTSParseError(line: lineNumber, message: "expected \"key: value\"")
            }
            let key = trimWSP(line[..<colon]).lowercased()
            let value = trimWSP(line[line.index(after: colon)...])
            func fail(_ message: String) -> MTASTSParseError { MTASTSParseError(line: lineNumber, message: message) }
            switch key {
            case "version":
                guard version == nil else { throw fail("duplicate version") }
                guard value == "STSv1" else { throw fail("unsupported version \"\(value)\" (expected STSv1)") }
                version = value
            case "mode":
                guard mode == nil else { throw fail("duplicate mode") }
                guard let m = MTASTSMode(rawValue: value.lowercased()) else {
                    throw fail("bad mode \"\(value)\" (expected enforce, testing or none)")
                }
                mode = m
            case "max_age":
                guard maxAge == nil else { throw fail("duplicate max_age") }
                guard (1...10).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(value) else {
                    throw fail("max_age \"\(value)\" is not a number of seconds")
                }
                guard n <= maxAgeLimit else { throw fail("max_age \(n) exceeds \(maxAgeLimit)") }
                maxAge = n
            case "mx":
                let pattern = value.normalizedDomain
                let name = pattern.hasPrefix("*.") ? String(pattern.dropFirst(2)) : pattern
                guard MTASTSNames.isValidHostName(name) else { throw fail("bad mx pattern \"\(value)\"") }
                mx.append(pattern)
            default:
                guard !key.isEmpty else { throw fail("empty key") }
                continue   // unknown keys are ignored (RFC 8461 §3.2)
            }
        }
        guard version != nil else { throw MTASTSParseError(line: 0, message: "missing version") }
        guard let mode else { throw MTASTSParseError(line: 0, message: "missing mode") }
        guard let maxAge else { throw MTASTSParseError(line: 0, message: "missing max_age") }
        if mode != .none && mx.isEmpty {
            throw MTASTSParseError(line: 0, message: "mode \(mode.rawValue) needs at least one mx")
        }
        return MTASTSPolicy(mode: mode, mx: mx, maxAge: maxAge)
    }

    /// Parses one `_mta-sts` TXT record, "v=STSv1; id=20160831085700Z;", and returns its id
    /// (1-32 letters and digits). Nil when the record is not a valid STSv1 record: `v=STSv1`
    /// must come first, exactly one `id` must follow, and extension fields must be `name=value`.
    public static func parseRecord(_ txt: String) -> String? {
        var fields = txt.split(separator: ";", omittingEmptySubsequences: false).map(trimWSP)
        guard isSTSv1Record(txt) else { return nil }
        fields.removeFirst()
        if fields.last == "" { fields.removeLast() }   // one optional trailing ";"
        var id: String?
        for field in fields {
            guard let eq = field.firstIndex(of: "=") else { return nil }
            let name = field[..<eq], value = field[field.index(after: eq)...]
            if name == "id" {
                guard id == nil, (1...32).contains(value.count),
                      value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
                id = String(value)
            } else {
                guard isExtensionName(name), isExtensionValue(value) else { return nil }
            }
        }
        return id
    }

    /// Whether a TXT record starts like an STSv1 record ("v=STSv1" then ";" or the end).
    /// RFC 8461 §3.1: other records are discarded before counting.
    static func isSTSv1Record(_ txt: String) -> Bool {
        guard let first = txt.split(separator: ";", omittingEmptySubsequences: false).first else { return false }
        return trimTrailingWSP(first) == "v=STSv1"
    }

    private static func isExtensionName(_ s: Substring) -> Bool {
        guard let first = s.first, (1...32).contains(s.count), first.isASCII,
              first.isLetter || first.isNumber else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }

    private static func isExtensionValue(_ s: Substring) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != "=" && $0 != ";" }
    }

    static func isWSP(_ c: Character) -> Bool { c == " " || c == "\t" }

    static func trimWSP<S: StringProtocol>(_ s: S) -> String {
        String(s.drop(while: isWSP).reversed().drop(while: isWSP).reversed())
    }

    private static func trimTrailingWSP(_ s: Substring) -> Substring {
        var t = s
        while let last = t.last, isWSP(last) { t = t.dropLast() }
        return t
    }
}
