// ScanText: one decoded text as UTF-8 bytes plus its alphanumeric tokens, made in a single pass.
// Every detector starts from these tokens; bytes >= 0x80 count as letters, only ASCII is case-folded.

/// A maximal run of ASCII letters/digits (and non-ASCII bytes) in the text.
struct Token {
    /// Byte offsets into `ScanText.bytes`; `end` is exclusive.
    var start: Int
    var end: Int
    /// How many ASCII digits the token holds.
    var digits: Int
    /// FNV-1a over the ASCII-lowercased bytes (dictionary and context lookups).
    var hash: UInt64

    var length: Int { end - start }
    var isNumeric: Bool { digits == end - start }
    var isAlphabetic: Bool { digits == 0 }
}

enum Bytes {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 65 < 26 }
    /// Letters, digits and every non-ASCII byte (so "Sjögren" stays one word).
    @inline(__always) static func isWord(_ b: UInt8) -> Bool { isDigit(b) || isASCIILetter(b) || b >= 0x80 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }

    /// Byte classes for the tokenizer: 0 separator, 1 digit, 2 lower-case letter or non-ASCII, 4 upper-case letter.
    static let classes: [UInt8] = (0...255).map { (b: Int) -> UInt8 in
        let u = UInt8(b)
        return isDigit(u) ? 1 : isUpper(u) ? 4 : isASCIILetter(u) || u >= 0x80 ? 2 : 0
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The token hash of a word given as text (used to build lookup tables).
    static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = fnvOffset
        for b in bytes { h = (h ^ UInt64(lower(b))) &* fnvPrime }
        return h
    }
}

struct ScanText {
    let bytes: [UInt8]
    let tokens: [Token]

    init(_ string: String) { self.init(bytes: Array(string.utf8)) }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 5 + 4)
        Bytes.classes.withUnsafeBufferPointer { cls in
            bytes.withUnsafeBufferPointer { p in
                let n = p.count
                var i = 0
                while i < n {
                    if cls[Int(p[i])] == 0 { i += 1; continue }
                    let start = i
                    var digits = 0
                    var h = Bytes.fnvOffset
                    while i < n {
                        let c = p[i]
                        let k = cls[Int(c)]
                        if k == 0 { break }
                        digits &+= Int(k & 1)
                        h = (h ^ UInt64(k == 4 ? c | 0x20 : c)) &* Bytes.fnvPrime
                        i += 1
                    }
                    tokens.append(Token(start: start, end: i, digits: digits, hash: h))
                }
            }
        }
        self.tokens = tokens
    }

    /// The byte at `i`, or 0 outside the text.
    @inline(__always) func byte(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[max(0, start)..<min(end, bytes.count)], as: UTF8.self)
    }

    func string(of token: Token) -> String { string(token.start, token.end) }

    /// The single separator byte between token `i-1` and token `i`, or nil when they are further apart.
    @inline(__always) func joiner(before i: Int) -> UInt8? {
        guard i > 0, i < tokens.count, tokens[i - 1].end + 1 == tokens[i].start else { return nil }
        return bytes[tokens[i - 1].end]
    }

    /// Separators that glue identifiers into a longer one ("978-0-306", "1.2.3", "12/25", "a_b").
    @inline(__always) static func isStrongJoiner(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/") || b == UInt8(ascii: "_")
    }

    /// True when token `i` is glued to the token before it (so it is the middle of a longer identifier).
    func isGluedToPrevious(_ i: Int) -> Bool {
        guard let j = joiner(before: i) else { return false }
        return ScanText.isStrongJoiner(j)
    }

    /// True when token `i` is glued to the token after it.
    func isGluedToNext(_ i: Int) -> Bool { isGluedToPrevious(i + 1) }

    /// The offset `count` Unicode scalars before `offset` (continuation bytes are skipped).
    func back(from offset: Int, scalars count: Int) -> Int {
        var i = offset, left = count
        while i > 0 && left > 0 {
            i -= 1
            if bytes[i] & 0xC0 != 0x80 { left -= 1 }
        }
        return i
    }

    /// The offset `count` Unicode scalars after `offset`.
    func forward(from offset: Int, scalars count: Int) -> Int {
        var i = offset, left = count
        let n = bytes.count
        while i < n && left > 0 {
            i += 1
            while i < n && bytes[i] & 0xC0 == 0x80 { i += 1 }
            left -= 1
        }
        return min(i, n)
    }
}
