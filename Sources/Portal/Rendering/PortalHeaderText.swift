// PortalHeaderText: header field values for the mail the portal writes: RFC 2047 encoded-words for
// non-ASCII text, quoted display names, A-label domains, no CR/LF from any input, folded lines.

import Foundation
import MailCore

enum PortalHeaderText {
    /// An unstructured value (Subject): short ASCII as it is, else UTF-8 "B" encoded-words of at most
    /// 75 characters each on folded lines (so no line passes RFC 5322's 998). Control characters become spaces.
    static func unstructured(_ text: String) -> String {
        let clean = oneLine(text)
        if clean.utf8.count <= 900, clean.unicodeScalars.allSatisfy({ $0.isASCII }) { return clean }
        return encodedWords(clean).joined(separator: "\r\n ")
    }

    /// `Display Name <local@domain>`, the name quoted or encoded as it needs; the address alone without one.
    static func mailbox(_ address: MailAddress, name: String? = nil) -> String {
        let addr = "<\(addressText(address))>"
        guard let name = name.map(oneLine), !name.isEmpty else { return addr }
        if !name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            return encodedWords(name).joined(separator: "\r\n ") + " " + addr
        }
        let atext = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if name.unicodeScalars.allSatisfy({ atext.contains($0) }) { return "\(name) \(addr)" }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" \(addr)"
    }

    /// The address with its domain as an A-label (the local part as written: UTF-8 needs SMTPUTF8).
    static func addressText(_ address: MailAddress) -> String {
        let written = address.description
        guard case .name(let domain) = address.domain, let at = written.lastIndex(of: "@") else { return written }
        return String(written[..<at]) + "@" + domain.ascii
    }

    /// The text with every control character (CR and LF among them) turned into a space, trimmed.
    static func oneLine(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }
        return String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
    }

    /// `=?UTF-8?B?…?=` words, each at most 75 characters (RFC 2047 §2), none splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?UTF-8?B?", suffix = "?="
        let maxPayload = (75 - prefix.count - suffix.count) / 4 * 3      // 45 bytes of UTF-8 a word
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxPayload, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk.removeAll()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + suffix) }
        return words
    }

    /// RFC 2231 `filename*=UTF-8''…` plus a plain `filename="…"` fallback of its ASCII characters.
    static func filenameParameters(_ name: String, parameter: String = "filename") -> String {
        let clean = oneLine(name)
        let ascii = String(String.UnicodeScalarView(clean.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? $0 : "_" }))
        return "\(parameter)=\"\(ascii)\"; \(parameter)*=UTF-8''\(percentEncoded(clean))"
    }

    /// RFC 5987/8187 attr-char percent-encoding of UTF-8.
    static func percentEncoded(_ text: String) -> String {
        let attrChar = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        var out = ""
        for byte in text.utf8 {
            if attrChar.contains(byte) { out.append(Character(UnicodeScalar(byte))) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}
