// MIMEBytes: byte-level helpers shared by the MIME decoders (memchr search, line ends, hex digits,
// ASCII case folding). Kept in one namespace so they cannot clash with other files' helpers.

import Foundation

enum MIMEBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    /// The index of the first `byte` at or after `from`, found with memchr.
    static func index(of byte: UInt8, in bytes: ArraySlice<UInt8>, from: Int) -> Int? {
        guard from >= bytes.startIndex, from < bytes.endIndex else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Int? in
            guard let base = buf.baseAddress else { return nil }
            let offset = from - bytes.startIndex
            guard let hit = memchr(base + offset, Int32(byte), buf.count - offset) else { return nil }
            return bytes.startIndex + UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Splits on LF (CR before it removed), without the line ends.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let lfAt = index(of: lf, in: bytes, from: start) else {
                out.append(bytes[start..<bytes.endIndex])
                break
            }
            var end = lfAt
            if end > start, bytes[end - 1] == cr { end -= 1 }
            out.append(bytes[start..<end])
            start = lfAt + 1
        }
        return out
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab || b == cr || b == lf || b == 0x0C }

    /// ASCII-lowercased, whitespace- and quote-trimmed copy of a short token such as a charset label.
    static func normalizedToken(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\t" || f == "\"" || f == "'" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\t" || l == "\"" || l == "'" { t.removeLast() }
        return t.lowercased()
    }

    /// Appends the UTF-8 encoding of `scalar` to `out`.
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        let v = (scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF)) ? 0xFFFD : scalar
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
