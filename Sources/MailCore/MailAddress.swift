// MailAddress: an RFC 5321 mailbox (local@domain) with UTF-8 local parts (RFC 6531),
// IDN domains and address literals, parsed from the text inside an SMTP path's angle brackets.

public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The local part exactly as it is delivered: quoted-string quotes removed, escapes resolved.
    public let localPart: String
    public let domain: MailDomain

    public init(localPart: String, domain: MailDomain) {
        self.localPart = localPart
        self.domain = domain
    }

    /// True when the local part or domain needs SMTPUTF8 to be transmitted.
    public var needsSMTPUTF8: Bool {
        !localPart.unicodeScalars.allSatisfy(\.isASCII) || domain.needsSMTPUTF8
    }

    /// The address as it is written on the wire, quoting the local part when needed.
    public var description: String { "\(MailAddress.quotedLocalPartIfNeeded(localPart))@\(domain)" }

    static func quotedLocalPartIfNeeded(_ local: String) -> String {
        if MailAddressParser.isDotString(Substring(local)) { return local }
        var out = "\""
        for ch in local {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        out.append("\"")
        return out
    }
}

extension MailAddress: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try MailAddressParser.parse(text, allowUTF8: true)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The part after the `@`: a domain name, or an address literal (`[192.0.2.1]`, `[IPv6:::1]`).
public enum MailDomain: Hashable, Sendable, CustomStringConvertible {
    case name(DomainName)
    case ipv4(String)
    case ipv6(String)

    public var description: String {
        switch self {
        case .name(let d): return d.unicode
        case .ipv4(let a): return "[\(a)]"
        case .ipv6(let a): return "[IPv6:\(a)]"
        }
    }

    public var needsSMTPUTF8: Bool {
        if case .name(let d) = self { return !d.unicode.unicodeScalars.allSatisfy(\.isASCII) }
        return false
    }
}

/// A domain name, compared case-insensitively. `unicode` is the form shown to people and sent
/// under SMTPUTF8; `ascii` is the A-label (punycode) form used for DNS and non-UTF8 peers.
public struct DomainName: Hashable, Sendable, CustomStringConvertible {
    public let unicode: String
    public let ascii: String

    public init?(_ text: String) {
        var t = text
        if t.hasSuffix(".") { t.removeLast() }
        guard !t.isEmpty, t.utf8.count <= 255 else { return nil }
        let labels = t.split(separator: ".", omittingEmptySubsequences: false)
        var asciiLabels: [String] = []
        var unicodeLabels: [String] = []
        for label in labels {
            guard !label.isEmpty, !label.hasPrefix("-"), !label.hasSuffix("-") else { return nil }
            let lower = label.lowercased()
            if lower.unicodeScalars.allSatisfy(\.isASCII) {
                guard lower.utf8.count <= 63,
                      lower.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
                else { return nil }
                asciiLabels.append(lower)
                if lower.hasPrefix("xn--"), let decoded = Punycode.decode(String(lower.dropFirst(4))) {
                    unicodeLabels.append(decoded)
                } else {
                    unicodeLabels.append(lower)
                }
            } else {
                guard lower.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-" || !$0.isASCII }),
                      let encoded = Punycode.encode(lower) else { return nil }
                let aLabel = "xn--" + encoded
                guard aLabel.utf8.count <= 63 else { return nil }
                asciiLabels.append(aLabel)
                unicodeLabels.append(lower)
            }
        }
        ascii = asciiLabels.joined(separator: ".")
        unicode = unicodeLabels.joined(separator: ".")
        guard ascii.utf8.count <= 253 else { return nil }
    }

    public var description: String { unicode }
    public static func == (a: DomainName, b: DomainName) -> Bool { a.ascii == b.ascii }
    public func hash(into h: inout Hasher) { h.combine(ascii) }
}
