// MultipartSplitter: finds the delimiter lines of a multipart body ("--boundary" at a line start,
// then only blanks; "--boundary--" closes) by scanning line starts with memchr, and returns the parts.

enum MultipartSplitter {
    struct Result {
        var parts: [ArraySlice<UInt8>]
        /// True when a close delimiter was seen.
        var closed: Bool
        /// True when parsing stopped at `maxParts` with delimiters left.
        var truncated: Bool
    }

    static func split(_ body: ArraySlice<UInt8>, boundary: String, maxParts: Int) -> Result {
        let delimiter = Array("--\(boundary)".utf8)
        var result = Result(parts: [], closed: false, truncated: false)
        var partStart: Int?                     // content start of the part being read
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lfAt = MIMEBytes.index(of: MIMEBytes.lf, in: body, from: lineStart)
            let lineEnd = lfAt ?? body.endIndex
            if let kind = delimiterKind(body, lineStart: lineStart, lineEnd: lineEnd, delimiter: delimiter) {
                if let start = partStart {
                    if result.parts.count >= maxParts { result.truncated = true; return result }
                    result.parts.append(body[start..<contentEnd(body, start: start, delimiterLine: lineStart)])
                }
                if kind == .close { result.closed = true; return result }
                partStart = lfAt.map { $0 + 1 } ?? body.endIndex
            }
            guard let lf = lfAt else { break }
            lineStart = lf + 1
        }
        if let start = partStart {
            if result.parts.count >= maxParts { result.truncated = true } else { result.parts.append(body[start...]) }
        }
        return result
    }

    private enum Kind { case open, close }

    private static func delimiterKind(_ b: ArraySlice<UInt8>, lineStart: Int, lineEnd: Int, delimiter: [UInt8]) -> Kind? {
        guard lineEnd - lineStart >= delimiter.count, b[lineStart] == UInt8(ascii: "-") else { return nil }
        var i = lineStart
        for d in delimiter {
            if b[i] != d { return nil }
            i += 1
        }
        if i + 1 < lineEnd, b[i] == UInt8(ascii: "-"), b[i + 1] == UInt8(ascii: "-") { return .close }
        while i < lineEnd {
            let c = b[i]
            guard c == MIMEBytes.space || c == MIMEBytes.tab || c == MIMEBytes.cr else { return nil }
            i += 1
        }
        return .open
    }

    /// The part ends before the line end that precedes its closing delimiter line (that CRLF belongs
    /// to the delimiter, RFC 2046 §5.1.1).
    private static func contentEnd(_ b: ArraySlice<UInt8>, start: Int, delimiterLine: Int) -> Int {
        var end = delimiterLine
        if end > start, b[end - 1] == MIMEBytes.lf { end -= 1 }
        if end > start, b[end - 1] == MIMEBytes.cr { end -= 1 }
        return max(start, end)
    }
}
