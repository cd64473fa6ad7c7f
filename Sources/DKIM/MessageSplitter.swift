// MessageSplitter: cuts a message's raw CRLF bytes into its header fields (each kept exactly as
// written, folding included) and its body, without decoding anything: DKIM signs the bytes.

/// One header field as it stands in the message: `name` is the text before the colon (as
/// written), `raw` is the whole field from its first byte to the CRLF ending its last line
/// (that CRLF excluded), continuation lines included.
struct RawHeaderField: Equatable {
    var name: String
    var raw: ArraySlice<UInt8>

    /// The name as every DKIM step matches it: WSP before the colon dropped (RFC 6376 §3.4.2
    /// allows `Subject :`), lower-cased. Compare h= names with `lowercased()` against this.
    var matchName: String { name.trimmingWSP().lowercased() }
}

struct SplitMessage {
    var headers: [RawHeaderField]
    var body: ArraySlice<UInt8>
}

enum MessageSplitter {
    /// Checks that every CR is followed by LF and every LF preceded by CR; returns the offset of
    /// the first one that is not.
    static func firstBareLineEnding(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case 0x0D:
                guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { return i }
                i += 2
            case 0x0A:
                return i
            default:
                i += 1
            }
        }
        return nil
    }

    /// Splits at the first empty line. A message with no empty line is all header, with an empty
    /// body. Lines that start with WSP continue the field before them; a line without a colon
    /// (not a field) is kept with an empty name so it is never signed.
    static func split(_ bytes: [UInt8]) -> SplitMessage {
        var headers: [RawHeaderField] = []
        var lineStart = 0
        var fieldStart: Int?
        var fieldEnd = 0
        func closeField() {
            guard let start = fieldStart else { return }
            let raw = bytes[start..<fieldEnd]
            let nameEnd = raw.firstIndex(of: UInt8(ascii: ":")) ?? raw.startIndex
            headers.append(RawHeaderField(name: String(decoding: raw[start..<nameEnd], as: UTF8.self), raw: raw))
            fieldStart = nil
        }
        while lineStart < bytes.count {
            let lineEnd = endOfLine(bytes, from: lineStart)
            if lineEnd == lineStart {  // the empty line: the body follows its CRLF
                closeField()
                let bodyStart = min(lineStart + 2, bytes.count)
                return SplitMessage(headers: headers, body: bytes[bodyStart...])
            }
            let first = bytes[lineStart]
            if (first == 0x20 || first == 0x09) && fieldStart != nil {
                fieldEnd = lineEnd
            } else {
                closeField()
                fieldStart = lineStart
                fieldEnd = lineEnd
            }
            lineStart = min(lineEnd + 2, bytes.count)
        }
        closeField()
        return SplitMessage(headers: headers, body: bytes[bytes.count...])
    }

    /// The index of the CR of the CRLF ending the line that starts at `from` (or the end of input).
    private static func endOfLine(_ bytes: [UInt8], from: Int) -> Int {
        var i = from
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { return i }
            i += 1
        }
        return bytes.count
    }
}
