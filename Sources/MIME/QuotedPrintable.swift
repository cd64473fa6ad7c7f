// QuotedPrintable: RFC 2045 §6.7 encoding of a CRLF text body: lines kept, 8-bit bytes, "=" and
// trailing whitespace escaped, soft line breaks so no encoded line exceeds 76 characters.

public enum QuotedPrintable {
    public static func encode(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + body.count / 4)
        var lines = splitLines(body)
        // A body that ends with CRLF gives an empty last piece: keep the final line break only.
        let endsWithBreak = lines.last?.isEmpty == true
        if endsWithBreak { lines.removeLast() }
        for (n, line) in lines.enumerated() {
            encodeLine(line, into: &out)
            if n < lines.count - 1 || endsWithBreak { out += [0x0D, 0x0A] }
        }
        return out
    }

    private static func splitLines(_ body: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = body.startIndex
        var i = body.startIndex
        while i < body.endIndex {
            if body[i] == 0x0A {
                var end = i
                if end > start, body[end - 1] == 0x0D { end -= 1 }
                lines.append(body[start..<end])
                start = i + 1
            }
            i += 1
        }
        lines.append(body[start..<body.endIndex])
        return lines
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var width = 0
        for (offset, byte) in zip(line.indices, line) {
            let isLast = offset == line.index(before: line.endIndex)
            let literal = (byte >= 33 && byte <= 126 && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !isLast)
            let piece: [UInt8] = literal ? [byte] : escape(byte)
            if width + piece.count > 75 {
                out += [0x3D, 0x0D, 0x0A]   // soft line break
                width = 0
            }
            out += piece
            width += piece.count
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func escape(_ byte: UInt8) -> [UInt8] {
        [0x3D, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }
}
