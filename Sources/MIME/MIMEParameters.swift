// MIMEParameters: the `; name=value` list of Content-Type and Content-Disposition, with quoted strings,
// lowercased names, and RFC 2231 continuations (name*0=, name*1*=) and charset'lang'%XX values.

enum MIMEParameters {
    /// Parses the parameters in `bytes[from...]`. A malformed parameter is skipped, never fatal.
    static func parse(_ bytes: [UInt8], from start: Int) -> [String: String] {
        let raw = rawParameters(bytes, from: start)
        var plain: [String: String] = [:]
        var extended: [String: [Int: (value: [UInt8], encoded: Bool)]] = [:]
        for (name, value) in raw {
            if let section = extendedSection(name) {
                if extended[section.base]?[section.index] == nil {
                    extended[section.base, default: [:]][section.index] = (value, section.encoded)
                }
            } else if plain[name] == nil {
                plain[name] = String(decoding: value, as: UTF8.self)
            }
        }
        for (base, sections) in extended {
            plain[base] = assemble(sections)
        }
        return plain
    }

    /// (lowercased name, value bytes) pairs, quotes removed and backslash escapes applied.
    static func rawParameters(_ b: [UInt8], from start: Int) -> [(String, [UInt8])] {
        let semicolon = UInt8(ascii: ";"), equals = UInt8(ascii: "="), quote = UInt8(ascii: "\"")
        var out: [(String, [UInt8])] = []
        var i = start
        while i < b.count {
            while i < b.count, b[i] == semicolon || MIMEBytes.isWhitespace(b[i]) { i += 1 }
            let nameStart = i
            while i < b.count, b[i] != equals, b[i] != semicolon { i += 1 }
            var nameEnd = i
            while nameEnd > nameStart, MIMEBytes.isWhitespace(b[nameEnd - 1]) { nameEnd -= 1 }
            guard i < b.count, b[i] == equals else { continue }      // a bare word: skipped
            let name = String(decoding: b[nameStart..<nameEnd].map(MIMEBytes.lower), as: UTF8.self)
            i += 1
            while i < b.count, b[i] == MIMEBytes.space || b[i] == MIMEBytes.tab { i += 1 }
            var value: [UInt8] = []
            if i < b.count, b[i] == quote {
                i += 1
                while i < b.count, b[i] != quote {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                    value.append(b[i])
                    i += 1
                }
                i += 1
                while i < b.count, b[i] != semicolon { i += 1 }       // junk after the closing quote
            } else {
                let valueStart = i
                while i < b.count, b[i] != semicolon { i += 1 }
                var valueEnd = i
                while valueEnd > valueStart, MIMEBytes.isWhitespace(b[valueEnd - 1]) { valueEnd -= 1 }
                value = Array(b[valueStart..<valueEnd])
            }
            if !name.isEmpty { out.append((name, value)) }
        }
        return out
    }

    /// "name*" -> (name, 0, encoded); "name*3" -> (name, 3, plain); "name*3*" -> (name, 3, encoded).
    private static func extendedSection(_ name: String) -> (base: String, index: Int, encoded: Bool)? {
        guard let star = name.firstIndex(of: "*") else { return nil }
        let base = String(name[..<star])
        var rest = name[name.index(after: star)...]
        guard !base.isEmpty else { return nil }
        if rest.isEmpty { return (base, 0, true) }
        var encoded = false
        if rest.last == "*" { encoded = true; rest = rest.dropLast() }
        guard rest.count <= 4, let index = Int(rest), index >= 0 else { return nil }
        return (base, index, encoded)
    }

    /// Joins the sections in order; the charset is taken from the first (encoded) section.
    private static func assemble(_ sections: [Int: (value: [UInt8], encoded: Bool)]) -> String {
        var bytes: [UInt8] = []
        var charset: String?
        for index in sections.keys.sorted() {
            guard let section = sections[index] else { continue }
            var value = section.value[...]
            if section.encoded {
                if index == sections.keys.min() {
                    let parts = value.split(separator: UInt8(ascii: "'"), maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 {
                        charset = String(decoding: parts[0], as: UTF8.self)
                        value = parts[2]
                    }
                }
                bytes.append(contentsOf: percentDecoded(value))
            } else {
                bytes.append(contentsOf: value)
            }
        }
        return Charsets.decode(bytes[...], charset: charset)
    }

    private static func percentDecoded(_ v: ArraySlice<UInt8>) -> [UInt8] {
        HexEscapes.decode(v, escape: UInt8(ascii: "%"))
    }
}
