// ClientDotStuffer: turns a queued message into the DATA payload (RFC 5321 §4.5.2): every line
// ends in CRLF (bare CR or LF become CRLF), lines starting with "." get another, then CRLF.CRLF.

import NIOCore

public enum ClientDotStuffer {
    /// The whole DATA payload, terminator included.
    public static func encode(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 50 + 5)
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var atLineStart = true
        var i = 0
        while i < message.count {
            let b = message[i]
            if b == cr || b == lf {
                out.append(cr); out.append(lf)
                // CRLF counts as one line end; a lone CR or LF is normalised to one.
                if b == cr, i + 1 < message.count, message[i + 1] == lf { i += 1 }
                atLineStart = true
            } else {
                if atLineStart, b == dot { out.append(dot) }
                out.append(b)
                atLineStart = false
            }
            i += 1
        }
        if !atLineStart { out.append(cr); out.append(lf) }
        out.append(contentsOf: [dot, cr, lf])
        return out
    }

    public static func encode(_ message: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeBytes(encode(message))
    }
}
