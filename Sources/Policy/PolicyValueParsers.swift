// Parsers for the scalar values of the policy language: reject replies, domain and
// address patterns, MIME type patterns and header names. Each returns a value or a message.
import Foundation
import MailCore
import YAMLSyntax

enum PolicyValueParsers {
    /// `"5.7.1 text"`, `"550 5.7.1 text"`, `"450 text"` or `"text"`: defaults 550 and 5.7.1 (4.7.1 for 4xx).
    static func rejectReply(_ text: String) -> Result<SMTPReply, YAMLValueError> {
        guard !text.contains("\n"), !text.contains("\r") else { return .failure(YAMLValueError("the reply text must be one line")) }
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var code: Int?
        var status: EnhancedStatus?
        if let first = words.first, first.count == 3, let n = Int(first) {
            guard (400...599).contains(n) else {
                return .failure(YAMLValueError("reply code \(n) is not a rejection; use 4xx (temporary) or 5xx (permanent)"))
            }
            code = n
            words.removeFirst()
        }
        if let first = words.first, first.first?.isNumber == true, first.contains(".") {
            guard let s = EnhancedStatus(first), s.klass != 2 else {
                return .failure(YAMLValueError("'\(first)' is not an enhanced status code such as 5.7.1"))
            }
            if let code, code / 100 != s.klass {
                return .failure(YAMLValueError("enhanced status \(s) does not match reply code \(code)"))
            }
            status = s
            words.removeFirst()
        }
        let finalCode = code ?? (status?.klass == 4 ? 450 : 550)
        let finalStatus = status ?? EnhancedStatus(finalCode / 100, 7, 1)
        let message = words.isEmpty ? "Message rejected by policy" : words.joined(separator: " ")
        return .success(SMTPReply(finalCode, finalStatus, message))
    }

    /// `example.org`, `*.example.org` (subdomains only) or `*`; IDNs become A-labels.
    static func domainPattern(_ text: String) -> Result<String, YAMLValueError> {
        let t = text.lowercased()
        if t == "*" { return .success(t) }
        if t.contains("@") { return .failure(YAMLValueError("'\(text)' is an address, not a domain")) }
        let wildcard = t.hasPrefix("*.")
        guard let name = DomainName(wildcard ? String(t.dropFirst(2)) : t) else {
            return .failure(YAMLValueError("'\(text)' is not a domain name or a *.domain wildcard"))
        }
        return .success((wildcard ? "*." : "") + name.ascii)
    }

    /// `user@example.org`, a glob such as `*@example.org` or `billing+*@*.example.org`, a bare
    /// domain pattern (any address there), or `<>` (the null sender).
    static func addressPattern(_ text: String) -> Result<String, YAMLValueError> {
        if text == "<>" { return .success(text) }
        guard let at = text.lastIndex(of: "@") else { return domainPattern(text) }
        let local = text[..<at].lowercased(), domain = text[text.index(after: at)...].lowercased()
        guard !local.isEmpty, !domain.isEmpty, !text.contains(" ") else {
            return .failure(YAMLValueError("'\(text)' is not an address or an address pattern such as *@example.org"))
        }
        if domain.contains("*") || domain.contains("?") { return .success(local + "@" + domain) }
        switch domainPattern(domain) {
        case .success(let d): return .success(local + "@" + d)
        case .failure: return .failure(YAMLValueError("'\(text)' has a malformed domain"))
        }
    }

    /// `application/pdf`, `image/*` or `*/*`, lower-cased.
    static func mediaTypePattern(_ text: String) -> Result<String, YAMLValueError> {
        let t = text.lowercased()
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        let token: (Substring) -> Bool = { p in
            !p.isEmpty && p.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && !"()<>@,;:\\\"/[]?=".unicodeScalars.contains($0) }
        }
        guard parts.count == 2, token(parts[0]), token(parts[1]) else {
            return .failure(YAMLValueError("'\(text)' is not a media type such as application/pdf or image/*"))
        }
        return .success(t)
    }

    /// RFC 5322 field name: printable ASCII without the colon.
    static func isHeaderName(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { (33...126).contains($0.value) && $0 != ":" }
    }

    /// `1.2`, `TLSv1.2`; YAML may hand over `1.2` as a float, which reads back the same.
    static func tlsVersion(_ text: String) -> Result<TLSProtocolVersion, YAMLValueError> {
        guard let v = TLSProtocolVersion(text: text) else {
            return .failure(YAMLValueError("unknown TLS version '\(text)'; expected one of: 1.0, 1.1, 1.2, 1.3"))
        }
        return .success(v)
    }
}
