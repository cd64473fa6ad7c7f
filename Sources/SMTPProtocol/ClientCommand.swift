// ClientCommand: the commands the SMTP client sends, encoded as CRLF-terminated lines, with the
// MAIL and RCPT parameters (SIZE, BODY, SMTPUTF8, RET, ENVID, NOTIFY, ORCPT) the peer supports.

import MailCore
import NIOCore

public enum ClientCommand: Sendable, Equatable {
    case ehlo(String)
    case helo(String)
    case startTLS
    case mail(from: MailAddress?, parameters: [String])
    case rcpt(to: MailAddress, parameters: [String])
    case data
    case rset
    case noop
    case quit

    /// The command line without CRLF. Addresses use the A-label domain unless `utf8` is set.
    public func line(utf8: Bool = false) -> String {
        func params(_ p: [String]) -> String { p.isEmpty ? "" : " " + p.joined(separator: " ") }
        switch self {
        case .ehlo(let name): return "EHLO \(name)"
        case .helo(let name): return "HELO \(name)"
        case .startTLS: return "STARTTLS"
        case .mail(let from, let p):
            return "MAIL FROM:<\(from.map { ClientCommand.wireAddress($0, utf8: utf8) } ?? "")>" + params(p)
        case .rcpt(let to, let p): return "RCPT TO:<\(ClientCommand.wireAddress(to, utf8: utf8))>" + params(p)
        case .data: return "DATA"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    public func write(into buffer: inout ByteBuffer, utf8: Bool = false) {
        buffer.writeString(line(utf8: utf8))
        buffer.writeString("\r\n")
    }

    /// An address as it goes inside `<...>`: local part quoted when it is not a dot-string, domain as
    /// U-label under SMTPUTF8 and as A-label otherwise.
    public static func wireAddress(_ address: MailAddress, utf8: Bool) -> String {
        let domain: String
        switch address.domain {
        case .name(let d): domain = utf8 ? d.unicode : d.ascii
        default: domain = address.domain.description
        }
        return quoteLocalPart(address.localPart) + "@" + domain
    }

    static func quoteLocalPart(_ local: String) -> String {
        let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        func isAtom(_ s: Substring) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || atext.contains($0) || !$0.isASCII
            }
        }
        if !local.isEmpty, local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isAtom) { return local }
        var out = "\""
        for ch in local {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }
}

/// What the peer's EHLO allows the client to say in MAIL and RCPT.
public struct ClientParameters {
    /// MAIL FROM parameters: SIZE when offered, BODY=8BITMIME when offered and needed, SMTPUTF8 when
    /// needed and offered, RET and ENVID only when the peer offers DSN.
    public static func mail(envelope: Envelope, size: Int, capabilities caps: ServerCapabilities) -> [String] {
        var out: [String] = []
        if caps.size != nil { out.append("SIZE=\(size)") }
        if envelope.bodyType == .eightBitMIME, caps.eightBitMIME { out.append("BODY=8BITMIME") }
        if envelope.smtputf8, caps.smtputf8 { out.append("SMTPUTF8") }
        if caps.dsn {
            if let ret = envelope.dsnReturn { out.append("RET=\(ret.rawValue)") }
            if let envid = envelope.envelopeID { out.append("ENVID=\(XText.encode(envid))") }
        }
        return out
    }

    /// RCPT TO parameters: NOTIFY and ORCPT only when the peer offers DSN. The envelope keeps ENVID
    /// and ORCPT xtext-decoded (as the server parsed them); they are encoded again here.
    public static func rcpt(_ spec: RecipientSpec, capabilities caps: ServerCapabilities) -> [String] {
        guard caps.dsn else { return [] }
        var out: [String] = []
        if let notify = spec.notify, !notify.isEmpty {
            let order: [DSNNotify] = [.never, .success, .failure, .delay]
            out.append("NOTIFY=" + order.filter(notify.contains).map(\.rawValue).joined(separator: ","))
        }
        if let orcpt = spec.originalRecipient, let semi = orcpt.firstIndex(of: ";") {
            let type = orcpt[..<semi]
            out.append("ORCPT=\(type);\(XText.encode(String(orcpt[orcpt.index(after: semi)...])))")
        }
        return out
    }
}

/// RFC 3461 §4 xtext: printable ASCII except "+" and "=" as is, everything else as "+HH".
public enum XText {
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (33...126).contains(byte), byte != UInt8(ascii: "+"), byte != UInt8(ascii: "=") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Decodes "+HH" escapes; text without valid escapes is returned unchanged.
    public static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        let u = Array(text.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "+"), i + 2 < u.count,
               let v = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
