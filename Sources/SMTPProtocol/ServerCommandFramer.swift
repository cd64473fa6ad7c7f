// Splits buffered input into SMTP command lines: CRLF-terminated, at most a given length, with
// bare LF reported so the session can apply its BareNewlinePolicy. Never consumes a partial line.

import NIOCore

enum ServerCommandFrame: Equatable {
    /// A complete line without its line end. `bareLF` is true when it ended in LF alone.
    case line([UInt8], bareLF: Bool)
    /// A complete line longer than the limit has been consumed.
    case tooLong
    /// More than `limit` octets arrived with no line end: the caller drains to the next LF.
    case tooLongUnterminated
    case needMore
}

enum ServerCommandFramer {
    /// RFC 4954 §4: AUTH command lines and SASL responses may be up to 12288 octets.
    static let authLineLimit = 12288

    /// Takes the next line from `buffer`. `limit` counts the line end too.
    static func next(from buffer: inout ByteBuffer, limit: Int, authLimit: Bool) -> ServerCommandFrame {
        let view = buffer.readableBytesView
        let effectiveLimit = authLimit || startsWithAUTH(view) ? max(limit, authLineLimit) : limit
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count >= effectiveLimit {
                buffer.moveReaderIndex(forwardBy: view.count)
                return .tooLongUnterminated
            }
            return .needMore
        }
        let length = lf - view.startIndex + 1
        var line = Array(view[view.startIndex..<lf])
        buffer.moveReaderIndex(forwardBy: length)
        let bareLF = line.last != UInt8(ascii: "\r")
        if !bareLF { line.removeLast() }
        // A bare-LF line is measured as if it had a CRLF.
        if line.count + 2 > effectiveLimit { return .tooLong }
        return .line(line, bareLF: bareLF)
    }

    /// Discards input up to and including the next LF; true when that LF was found.
    static func drainLine(_ buffer: inout ByteBuffer) -> Bool {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return false
        }
        buffer.moveReaderIndex(forwardBy: lf - view.startIndex + 1)
        return true
    }

    private static func startsWithAUTH(_ view: ByteBufferView) -> Bool {
        let prefix = Array(view.prefix(5))
        guard prefix.count == 5 else { return false }
        return prefix[0] | 0x20 == UInt8(ascii: "a") && prefix[1] | 0x20 == UInt8(ascii: "u")
            && prefix[2] | 0x20 == UInt8(ascii: "t") && prefix[3] | 0x20 == UInt8(ascii: "h")
            && prefix[4] == UInt8(ascii: " ")
    }
}
