// Charsets: turns a MIME part's or header word's bytes into a String. UTF-8, US-ASCII, Latin-1,
// Windows-1252, ISO-8859-15 and UTF-16; bad bytes become U+FFFD; unknown labels try UTF-8, then 1252.

import Foundation

public enum Charsets {
    /// Decodes `bytes` in `charset` (a MIME label, any case). Never fails for the single-byte and UTF
    /// charsets. ISO-8859-1 and US-ASCII are read as Windows-1252, as browsers and mail clients do
    /// (WHATWG Encoding): senders routinely label 1252 smart quotes and dashes as Latin-1.
    /// An unknown or missing label is tried as UTF-8 and, if that is not valid, as Windows-1252.
    public static func decode(_ bytes: [UInt8], charset: String?) -> String? {
        decode(bytes[...], charset: charset)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> String {
        switch Kind(label: charset) {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            return singleByte(bytes, table: windows1252High)
        case .latin9:
            return singleByte(bytes, table: latin9High)
        case .utf16(let bigEndian):
            return utf16(bytes, bigEndian: bigEndian)
        case .guess:
            if let s = validUTF8(bytes) { return s }
            return singleByte(bytes, table: windows1252High)
        }
    }

    /// The string if `bytes` are valid UTF-8, else nil.
    static func validUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        if #available(macOS 15, *) {
            return String(validating: bytes, as: UTF8.self)
        } else {
            return String(bytes: bytes, encoding: .utf8)
        }
    }

    enum Kind: Equatable {
        case utf8, windows1252, latin9, guess
        case utf16(bigEndian: Bool?)

        init(label: String?) {
            guard let label, !label.isEmpty else { self = .guess; return }
            switch MIMEBytes.normalizedToken(label) {
            case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
                self = .utf8
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
                 "iso-ir-100", "iso_8859-1:1987", "csisolatin1",
                 "windows-1252", "cp1252", "x-cp1252", "cp-1252", "ms-ansi":
                self = .windows1252
            case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9", "l9", "csisolatin9":
                self = .latin9
            case "utf-16be", "utf16be": self = .utf16(bigEndian: true)
            case "utf-16le", "utf16le": self = .utf16(bigEndian: false)
            case "utf-16", "utf16", "ucs-2": self = .utf16(bigEndian: nil)
            default:
                // us-ascii included: 8-bit bytes under that label are most often UTF-8, else 1252.
                self = .guess
            }
        }
    }

    /// A single-byte charset whose 0x00–0x7F is ASCII and 0x80–0xFF maps through `table`.
    static func singleByte(_ bytes: ArraySlice<UInt8>, table: [UInt16]) -> String {
        let n = bytes.count
        return bytes.withUnsafeBufferPointer { src -> String in
            guard let p = src.baseAddress else { return "" }
            if memchrHigh(p, n) == nil { return String(decoding: src, as: UTF8.self) }
            return table.withUnsafeBufferPointer { t -> String in
                let utf8 = [UInt8](unsafeUninitializedCapacity: n * 3) { out, written in
                    var w = 0
                    for i in 0..<n {
                        let b = p[i]
                        if b < 0x80 { out[w] = b; w += 1; continue }
                        let v = t[Int(b) - 0x80]
                        if v < 0x800 {
                            out[w] = UInt8(0xC0 | (v >> 6)); out[w + 1] = UInt8(0x80 | (v & 0x3F)); w += 2
                        } else {
                            out[w] = UInt8(0xE0 | (v >> 12)); out[w + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                            out[w + 2] = UInt8(0x80 | (v & 0x3F)); w += 3
                        }
                    }
                    written = w
                }
                return String(decoding: utf8, as: UTF8.self)
            }
        }
    }

    /// The offset of the first byte >= 0x80, or nil when all are ASCII.
    private static func memchrHigh(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        // Eight bytes at a time while aligned reads are possible.
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n {
            if p[i] >= 0x80 { return i }
            i += 1
        }
        return nil
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool?) -> String {
        var b = Array(bytes)
        var big = bigEndian ?? true
        if bigEndian == nil, b.count >= 2 {
            if b[0] == 0xFF, b[1] == 0xFE { big = false; b.removeFirst(2) }
            else if b[0] == 0xFE, b[1] == 0xFF { big = true; b.removeFirst(2) }
        }
        var units: [UInt16] = []
        units.reserveCapacity(b.count / 2)
        var i = 0
        while i + 1 < b.count {
            units.append(big ? UInt16(b[i]) << 8 | UInt16(b[i + 1]) : UInt16(b[i + 1]) << 8 | UInt16(b[i]))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Windows-1252 0x80–0xFF; the five holes (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 controls.
    static let windows1252High: [UInt16] = {
        var t = (0x80...0xFF).map { UInt16($0) }
        let c1: [UInt16] = [0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178]
        for (i, v) in c1.enumerated() { t[i] = v }
        return t
    }()

    /// ISO-8859-15: Latin-1 with eight replacements (the euro sign among them).
    static let latin9High: [UInt16] = {
        var t = (0x80...0xFF).map { UInt16($0) }
        let changes: [(Int, UInt16)] = [(0xA4, 0x20AC), (0xA6, 0x0160), (0xA8, 0x0161), (0xB4, 0x017D),
                                        (0xB8, 0x017E), (0xBC, 0x0152), (0xBD, 0x0153), (0xBE, 0x0178)]
        for (byte, v) in changes { t[byte - 0x80] = v }
        return t
    }()
}
