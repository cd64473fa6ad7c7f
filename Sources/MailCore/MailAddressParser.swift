// Parses the mailbox inside an SMTP path (RFC 5321 §4.1.2, RFC 6531 §3.3): dot-string or
// quoted-string local parts, domain names and address literals, with the §4.5.3.1 size limits.

public enum MailAddressError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingAt
    case badLocalPart
    case localPartTooLong
    case badDomain
    case pathTooLong
    case utf8NotAllowed

    public var description: String {
        switch self {
        case .empty: return "empty address"
        case .missingAt: return "address has no @domain"
        case .badLocalPart: return "malformed local part"
        case .localPartTooLong: return "local part longer than 64 octets"
        case .badDomain: return "malformed domain"
        case .pathTooLong: return "address longer than 254 octets"
        case .utf8NotAllowed: return "non-ASCII address without SMTPUTF8"
        }
    }
}

public enum MailAddressParser {
    /// Parses `local@domain` (no angle brackets). `allowUTF8` is true when the transaction
    /// declared SMTPUTF8.
    public static func parse(_ text: String, allowUTF8: Bool) throws -> MailAddress {
        guard !text.isEmpty else { throw MailAddressError.empty }
        guard text.utf8.count <= 254 else { throw MailAddressError.pathTooLong }
        if !allowUTF8 && !text.unicodeScalars.allSatisfy(\.isASCII) { throw MailAddressError.utf8NotAllowed }
        let (local, rest) = try splitLocalPart(Substring(text))
        guard local.utf8.count <= 64 else { throw MailAddressError.localPartTooLong }
        return MailAddress(localPart: local, domain: try parseDomain(rest))
    }

    /// Splits at the `@` that ends the local part, honouring quoted strings.
    static func splitLocalPart(_ s: Substring) throws -> (String, Substring) {
        if s.first == "\"" {
            var local = ""
            var i = s.index(after: s.startIndex)
            while i < s.endIndex {
                let c = s[i]
                if c == "\\" {
                    i = s.index(after: i)
                    guard i < s.endIndex, isQuotedPairChar(s[i]) else { throw MailAddressError.badLocalPart }
                    local.append(s[i])
                } else if c == "\"" {
                    let after = s.index(after: i)
                    guard after < s.endIndex, s[after] == "@" else { throw MailAddressError.missingAt }
                    return (local, s[s.index(after: after)...])
                } else {
                    guard isQText(c) else { throw MailAddressError.badLocalPart }
                    local.append(c)
                }
                i = s.index(after: i)
            }
            throw MailAddressError.badLocalPart
        }
        guard let at = s.lastIndex(of: "@") else { throw MailAddressError.missingAt }
        let local = s[..<at]
        guard isDotString(local) else { throw MailAddressError.badLocalPart }
        return (String(local), s[s.index(after: at)...])
    }

    static func parseDomain(_ s: Substring) throws -> MailDomain {
        if s.first == "[" {
            guard s.last == "]" else { throw MailAddressError.badDomain }
            let inner = s.dropFirst().dropLast()
            if inner.lowercased().hasPrefix("ipv6:") {
                let addr = String(inner.dropFirst(5))
                guard IPAddress.parseIPv6(addr) != nil else { throw MailAddressError.badDomain }
                return .ipv6(addr.lowercased())
            }
            guard IPAddress.parseIPv4(String(inner)) != nil else { throw MailAddressError.badDomain }
            return .ipv4(String(inner))
        }
        guard let name = DomainName(String(s)) else { throw MailAddressError.badDomain }
        return .name(name)
    }

    /// RFC 5321 Dot-string with RFC 6531's UTF8-non-ascii atext.
    static func isDotString(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.first != ".", s.last != "." else { return false }
        var previousDot = false
        for c in s.unicodeScalars {
            if c == "." {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            guard isAText(c) else { return false }
        }
        return true
    }

    static func isAText(_ c: Unicode.Scalar) -> Bool {
        if !c.isASCII { return c.value >= 0x80 }
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(c)
        }
    }

    static func isQText(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        if v >= 0x80 { return true }
        return v == 32 || v == 33 || (35...91).contains(v) || (93...126).contains(v)
    }

    static func isQuotedPairChar(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (32...126).contains(v)
    }
}
