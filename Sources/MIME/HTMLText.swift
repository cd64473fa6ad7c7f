// HTMLText: the visible text of an HTML document for the PHI detectors. Tags, comments, <script> and
// <style> go; entities are decoded; block tags become line breaks and inline tags leave no gap.

public enum HTMLText {
    /// `<b>123</b>-45-6789` gives "123-45-6789"; `123&#45;45&#45;6789` gives "123-45-6789".
    public static func extract(_ html: String) -> String {
        var html = html
        return html.withUTF8 { buffer in
            String(decoding: extract(bytes: buffer), as: UTF8.self)
        }
    }

    static func extract(bytes b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var w = HTMLTextWriter(capacity: b.count)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            switch c {
            case UInt8(ascii: "<"):
                i = tag(b, at: i, into: &w)
            case UInt8(ascii: "&"):
                i = entity(b, at: i, into: &w)
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                w.pendingSpace = true
                i += 1
            default:
                w.byte(c)
                i += 1
            }
        }
        return w.out
    }

    // MARK: tags

    /// Handles the markup starting at `b[i] == "<"`; returns the index after it.
    private static func tag(_ b: UnsafeBufferPointer<UInt8>, at i: Int, into w: inout HTMLTextWriter) -> Int {
        let n = b.count
        guard i + 1 < n else { w.byte(b[i]); return i + 1 }
        let next = b[i + 1]
        if next == UInt8(ascii: "!") {
            if i + 3 < n, b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                return find(b, "-->", from: i + 4).map { $0 + 3 } ?? n
            }
            return (find(b, ">", from: i + 2) ?? n - 1) + 1
        }
        if next == UInt8(ascii: "?") { return (find(b, ">", from: i + 2) ?? n - 1) + 1 }
        let closing = next == UInt8(ascii: "/")
        let nameStart = closing ? i + 2 : i + 1
        guard nameStart < n, isLetter(b[nameStart]) else { w.byte(b[i]); return i + 1 }
        var j = nameStart
        var packed: UInt64 = 0                 // the first 8 name bytes, lowercased, little-endian
        while j < n, isLetter(b[j]) || (b[j] >= 0x30 && b[j] <= 0x39) {
            if j - nameStart < 8 { packed |= UInt64(b[j] | 0x20) << (8 * UInt64(j - nameStart)) }
            j += 1
        }
        let end = endOfTag(b, from: j)
        switch kind(packed, length: j - nameStart, name: b, at: nameStart) {
        case .block:
            w.newline()
        case .cell:
            w.pendingSpace = true
        case .rawText where !closing:
            // Skip the content up to the matching end tag.
            let name = Array(b[nameStart..<j]).map(MIMEBytes.lower)
            return skipRawText(b, from: end, name: name)
        case .rawText, .inline:
            break
        }
        return end
    }

    /// The index after the ">" that ends a tag, skipping quoted attribute values.
    private static func endOfTag(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        var afterEquals = false
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: ">") { return j + 1 }
            if afterEquals, c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                guard let close = find(b, c == UInt8(ascii: "\"") ? "\"" : "'", from: j + 1) else { return b.count }
                j = close + 1
                afterEquals = false
                continue
            }
            if c == UInt8(ascii: "=") { afterEquals = true } else if !MIMEBytes.isWhitespace(c) { afterEquals = false }
            j += 1
        }
        return b.count
    }

    /// After `<script ...>`: the index past the matching `</script ...>` (case-insensitive), or the end.
    private static func skipRawText(_ b: UnsafeBufferPointer<UInt8>, from start: Int, name: [UInt8]) -> Int {
        var j = start
        while let lt = find(b, "<", from: j) {
            var k = lt + 1
            if k < b.count, b[k] == UInt8(ascii: "/") {
                k += 1
                var matched = true
                for c in name {
                    if k >= b.count || MIMEBytes.lower(b[k]) != c { matched = false; break }
                    k += 1
                }
                if matched { return endOfTag(b, from: k) }
            }
            j = lt + 1
        }
        return b.count
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from: Int) -> Int? {
        let count = needle.utf8CodeUnitCount
        let first = needle.utf8Start[0]
        var i = from
        while i + count <= b.count {
            if b[i] == first {
                var k = 1
                while k < count, b[i + k] == needle.utf8Start[k] { k += 1 }
                if k == count { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always)
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    // MARK: entities

    /// Decodes the character reference at `b[i] == "&"`; returns the index after it.
    private static func entity(_ b: UnsafeBufferPointer<UInt8>, at i: Int, into w: inout HTMLTextWriter) -> Int {
        let n = b.count
        var j = i + 1
        if j < n, b[j] == UInt8(ascii: "#") {
            j += 1
            let hex = j < n && (b[j] | 0x20) == UInt8(ascii: "x")
            if hex { j += 1 }
            var value: UInt32 = 0
            let digitsStart = j
            while j < n, j - digitsStart < 8 {
                let d: UInt8? = hex ? MIMEBytes.hexValue(b[j]) : (b[j] >= 0x30 && b[j] <= 0x39 ? b[j] - 0x30 : nil)
                guard let d else { break }
                value = value * (hex ? 16 : 10) + UInt32(d)
                j += 1
            }
            guard j > digitsStart else { w.byte(b[i]); return i + 1 }
            while j < n, j - digitsStart < 16, hex ? MIMEBytes.hexValue(b[j]) != nil : (b[j] >= 0x30 && b[j] <= 0x39) {
                value = 0x110000; j += 1                        // too many digits: out of range
            }
            if j < n, b[j] == UInt8(ascii: ";") { j += 1 }
            w.scalar(HTMLEntities.numeric(value))
            return j
        }
        let nameStart = j
        while j < n, j - nameStart < 32, isLetter(b[j]) || (b[j] >= 0x30 && b[j] <= 0x39) { j += 1 }
        guard j > nameStart, let value = namedValue(b, nameStart..<j) else { w.byte(b[i]); return i + 1 }
        if j < n, b[j] == UInt8(ascii: ";") { j += 1 }
        w.scalar(value)
        return j
    }

    /// The scalar of a named reference; the five everyday names skip the dictionary.
    private static func namedValue(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt32? {
        if range.count <= 4 {
            var packed: UInt32 = 0
            for (k, idx) in range.enumerated() { packed |= UInt32(b[idx]) << (8 * UInt32(k)) }
            switch packed {
            case 0x706D61: return 38            // amp
            case 0x746C: return 60              // lt
            case 0x7467: return 62              // gt
            case 0x746F7571: return 34          // quot
            case 0x7073626E: return 0xA0        // nbsp
            default: break
            }
        }
        return HTMLEntities.named[String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)]
    }

    // MARK: tag kinds

    private enum TagKind { case inline, block, cell, rawText }

    /// Block tags: address article aside blockquote body br caption center dd details dir div dl dt
    /// fieldset figcaption figure footer form h1-h6 head header hr html legend li main menu nav ol option
    /// p pre section select summary table tbody tfoot thead title tr ul. Cells: td th. Raw text:
    /// script style template. Names are matched as their first 8 bytes packed little-endian.
    private static func kind(_ packed: UInt64, length: Int, name b: UnsafeBufferPointer<UInt8>, at start: Int) -> TagKind {
        if length > 8 {
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[start..<(start + length)]), as: UTF8.self).lowercased()
            return name == "blockquote" || name == "figcaption" ? .block : .inline
        }
        switch packed {
        case 0x73736572646461, 0x656C6369747261, 0x6564697361, 0x79646F62, 0x7262, 0x6E6F6974706163,
             0x7265746E6563, 0x6464, 0x736C6961746564, 0x726964, 0x766964, 0x6C64,
             0x7464, 0x746573646C656966, 0x657275676966, 0x7265746F6F66, 0x6D726F66, 0x3168,
             0x3268, 0x3368, 0x3468, 0x3568, 0x3668, 0x64616568,
             0x726564616568, 0x7268, 0x6C6D7468, 0x646E6567656C, 0x696C, 0x6E69616D,
             0x756E656D, 0x76616E, 0x6C6F, 0x6E6F6974706F, 0x70, 0x657270,
             0x6E6F6974636573, 0x7463656C6573, 0x7972616D6D7573, 0x656C626174, 0x79646F6274, 0x746F6F6674,
             0x6461656874, 0x656C746974, 0x7274, 0x6C75:
            return .block
        case 0x6474, 0x6874:
            return .cell
        case 0x747069726373, 0x656C797473, 0x6574616C706D6574:
            return .rawText
        default:
            return .inline
        }
    }
}

/// The output of HTMLText: collapses whitespace runs into one space and never doubles line breaks.
struct HTMLTextWriter {
    var out: [UInt8] = []
    var pendingSpace = false

    init(capacity: Int) { out.reserveCapacity(capacity) }

    @inline(__always)
    mutating func byte(_ c: UInt8) {
        if pendingSpace { flushSpace() }
        out.append(c)
    }

    mutating func flushSpace() {
        if let last = out.last, last != MIMEBytes.lf { out.append(MIMEBytes.space) }
        pendingSpace = false
    }

    mutating func newline() {
        pendingSpace = false
        if let last = out.last, last != MIMEBytes.lf { out.append(MIMEBytes.lf) }
    }

    mutating func scalar(_ v: UInt32) {
        if HTMLEntities.isInvisible(v) { return }
        if HTMLEntities.isBlank(v) { pendingSpace = true; return }
        if pendingSpace { flushSpace() }
        MIMEBytes.appendUTF8(v, to: &out)
    }
}
