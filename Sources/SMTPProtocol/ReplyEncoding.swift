// Writes an SMTPReply on the wire: "250-line\r\n ... 250 last\r\n", with the enhanced status
// repeated on every line (RFC 2034 §4). CR and LF inside reply text are replaced, never sent.

import MailCore
import NIOCore

extension SMTPReply {
    /// The reply as it goes on the wire, CRLF after every line.
    public func encoded() -> String {
        var out = ""
        for (index, line) in lines.enumerated() {
            out += String(code)
            out += index == lines.count - 1 ? " " : "-"
            if let status { out += "\(status) " }
            out += SMTPReply.sanitized(line)
            out += "\r\n"
        }
        return out
    }

    static func sanitized(_ text: String) -> String {
        guard text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return String(text.map { ($0 == "\r" || $0 == "\n" || $0 == "\r\n") ? " " : $0 })
    }
}

/// Appends the wire form of `reply` to `buffer`.
public func encode(_ reply: SMTPReply, into buffer: inout ByteBuffer) {
    buffer.writeString(reply.encoded())
}
