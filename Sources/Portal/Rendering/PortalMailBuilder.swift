// PortalMailBuilder: assembles one RFC 5322 message from header fields and MIME parts (text as
// quoted-printable or base64, whichever is shorter; files as base64 at 76 columns), CRLF line ends, random boundaries.

import Foundation
import MIME

struct PortalMailPart {
    /// The part's own header lines (Content-Type, Content-Transfer-Encoding, Content-Disposition).
    var headers: [String]
    /// The encoded body, CRLF line ends.
    var body: [UInt8]

    /// A UTF-8 text part (`plain` or `html`), quoted-printable so no line exceeds 76 characters, or
    /// base64 when that is shorter (text mostly outside ASCII: quoted-printable would triple it).
    static func text(_ text: String, subtype: String) -> PortalMailPart {
        let bytes = crlf(text)
        let quoted = QuotedPrintable.encode(bytes[...])
        let base64 = base64Lines(bytes)
        let (encoding, body) = base64.count < quoted.count ? ("base64", base64) : ("quoted-printable", quoted)
        return PortalMailPart(headers: ["Content-Type: text/\(subtype); charset=utf-8", "Content-Transfer-Encoding: \(encoding)"],
                              body: body)
    }

    /// A file, base64, offered as an attachment under its name.
    static func attachment(_ bytes: [UInt8], contentType: String, filename: String) -> PortalMailPart {
        let type = PortalMailPart.safeType(contentType)
        return PortalMailPart(headers: ["Content-Type: \(type); \(PortalHeaderText.filenameParameters(filename, parameter: "name"))",
                                        "Content-Transfer-Encoding: base64",
                                        "Content-Disposition: attachment; \(PortalHeaderText.filenameParameters(filename))"],
                              body: base64Lines(bytes))
    }

    /// A multipart of these parts under `boundary`.
    static func multipart(_ subtype: String, boundary: String, parts: [PortalMailPart]) -> PortalMailPart {
        var body: [UInt8] = []
        for part in parts {
            body += Array("--\(boundary)\r\n".utf8)
            body += Array((part.headers.joined(separator: "\r\n") + "\r\n\r\n").utf8)
            // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), not to the part.
            body += part.body + [0x0D, 0x0A]
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return PortalMailPart(headers: ["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\""], body: body)
    }

    /// The whole message: `fields` (already encoded), MIME-Version, then this part's header and body.
    func message(fields: [String]) -> [UInt8] {
        let head = (fields + ["MIME-Version: 1.0"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        var out = Array(head.utf8) + body
        if out.last != 0x0A { out += [0x0D, 0x0A] }
        return out
    }

    /// A type/subtype the header can carry (an upload's declared type is the browser's word, not trusted).
    static func safeType(_ type: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$&-^_.+/".utf8)
        let lower = type.lowercased().trimmingCharacters(in: .whitespaces)
        let parts = lower.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, lower.utf8.allSatisfy(allowed.contains) else {
            return "application/octet-stream"
        }
        return lower
    }

    static func crlf(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A, previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + encoded.count / 38 + 2)
        var i = 0
        while i < encoded.count {
            out += encoded[i..<min(i + 76, encoded.count)]
            out += [0x0D, 0x0A]
            i += 76
        }
        return out
    }
}
