// RFC2047: decodes encoded-words (=?charset?B|Q?text?=) in header values. Adjacent encoded-words
// are joined without the whitespace between them, and their bytes are joined before charset decoding.

public enum RFC2047 {
    /// The value with every well-formed encoded-word decoded; anything else is left as written.
    public static func decode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard containsEncodedWordStart(bytes) else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pending: (charset: String, bytes: [UInt8])?
        var gap: [UInt8] = []            // whitespace seen since the last encoded-word
        var afterWord = false
        var i = 0

        func flush() {
            if let p = pending {
                out.append(contentsOf: Charsets.decode(p.bytes[...], charset: p.charset).utf8)
                pending = nil
            }
        }

        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "="), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?"),
               let word = encodedWord(bytes, at: i) {
                if afterWord, let p = pending, p.charset == word.charset {
                    pending?.bytes.append(contentsOf: word.bytes)
                } else {
                    flush()
                    if !afterWord { out.append(contentsOf: gap) }
                    pending = (word.charset, word.bytes)
                }
                gap.removeAll()
                afterWord = true
                i = word.end
                continue
            }
            let b = bytes[i]
            if afterWord, b == MIMEBytes.space || b == MIMEBytes.tab || b == MIMEBytes.cr || b == MIMEBytes.lf {
                gap.append(b)
            } else {
                flush()
                out.append(contentsOf: gap)
                gap.removeAll()
                afterWord = false
                out.append(b)
            }
            i += 1
        }
        flush()
        out.append(contentsOf: gap)
        return String(decoding: out, as: UTF8.self)
    }

    private static func containsEncodedWordStart(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "="), bytes[i + 1] == UInt8(ascii: "?") { return true }
            i += 1
        }
        return false
    }

    /// Parses one encoded-word starting at `start` ("=?"). Returns the lowercased charset (any RFC 2231
    /// "*language" suffix dropped), the decoded bytes, and the index just past "?=".
    static func encodedWord(_ b: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        let q = UInt8(ascii: "?")
        var i = start + 2
        let charsetStart = i
        while i < b.count, b[i] != q {
            if MIMEBytes.isWhitespace(b[i]) || i - charsetStart > 64 { return nil }
            i += 1
        }
        guard i > charsetStart, i + 2 < b.count, b[i + 2] == q else { return nil }
        var charset = String(decoding: b[charsetStart..<i], as: UTF8.self).lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        let encoding = MIMEBytes.lower(b[i + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = i + 3
        var j = textStart
        while j + 1 < b.count, !(b[j] == q && b[j + 1] == UInt8(ascii: "=")) {
            if b[j] == MIMEBytes.space || b[j] == MIMEBytes.tab || b[j] == MIMEBytes.cr || b[j] == MIMEBytes.lf {
                return nil
            }
            j += 1
        }
        guard j + 1 < b.count else { return nil }
        let text = b[textStart..<j]
        let decoded = encoding == UInt8(ascii: "b") ? TransferDecoding.base64(text) : qDecode(text)
        return (charset, decoded, j + 2)
    }

    /// The "Q" encoding: "_" is a space, "=XX" a byte.
    private static func qDecode(_ text: ArraySlice<UInt8>) -> [UInt8] {
        HexEscapes.decode(text, escape: UInt8(ascii: "="), space: UInt8(ascii: "_"))
    }
}
