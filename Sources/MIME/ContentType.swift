// ContentType: a parsed Content-Type field (type/subtype, lowercased, and its parameters). A missing
// or unparseable value is text/plain, as RFC 2045 §5.2 says.

public struct ContentType: Sendable, Equatable {
    public var type: String
    public var subtype: String
    /// Lowercased names; RFC 2231 continuations joined and charsets decoded. Values keep their case.
    public var parameters: [String: String]

    public var mimeType: String { "\(type)/\(subtype)" }

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public static let textPlain = ContentType(type: "text", subtype: "plain")
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822")

    public var isMultipart: Bool { type == "multipart" }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }

    /// Parses a field value such as `text/plain; charset="utf-8"`. Never fails: a value without a valid
    /// type/subtype gives text/plain (keeping any parameters it had).
    public static func parse(_ value: String) -> ContentType {
        let b = Array(value.utf8)
        let semicolon = UInt8(ascii: ";"), slash = UInt8(ascii: "/")
        var i = 0
        while i < b.count, b[i] != slash, b[i] != semicolon { i += 1 }
        guard i < b.count, b[i] == slash else {
            return ContentType(type: "text", subtype: "plain", parameters: MIMEParameters.parse(b, from: i))
        }
        let type = token(b[0..<i])
        i += 1
        while i < b.count, b[i] == MIMEBytes.space || b[i] == MIMEBytes.tab { i += 1 }
        let subtypeStart = i
        // The subtype ends at ";" or at whitespace (a missing ";" before the parameters is tolerated).
        while i < b.count, b[i] != semicolon, !MIMEBytes.isWhitespace(b[i]) { i += 1 }
        let subtype = token(b[subtypeStart..<i])
        let parameters = MIMEParameters.parse(b, from: i)
        guard let type, let subtype else {
            return ContentType(type: "text", subtype: "plain", parameters: parameters)
        }
        return ContentType(type: type, subtype: subtype, parameters: parameters)
    }

    /// The trimmed, lowercased token, or nil when empty or holding characters a token may not.
    private static func token(_ bytes: ArraySlice<UInt8>) -> String? {
        var s = bytes.startIndex, e = bytes.endIndex
        while s < e, MIMEBytes.isWhitespace(bytes[s]) { s += 1 }
        while e > s, MIMEBytes.isWhitespace(bytes[e - 1]) { e -= 1 }
        guard s < e else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        for c in bytes[s..<e] {
            guard c > 0x20, c < 0x7F, !specials.contains(c) else { return nil }
            out.append(MIMEBytes.lower(c))
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let specials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)
}

/// A parsed Content-Disposition field: `inline` or `attachment` (lowercased) and its parameters.
public struct ContentDisposition: Sendable, Equatable {
    public var type: String
    public var parameters: [String: String]

    public init(type: String, parameters: [String: String] = [:]) {
        self.type = type
        self.parameters = parameters
    }

    public var isAttachment: Bool { type == "attachment" }

    public static func parse(_ value: String) -> ContentDisposition {
        let b = Array(value.utf8)
        var end = 0
        while end < b.count, b[end] != UInt8(ascii: ";") { end += 1 }
        let type = String(decoding: b[0..<end], as: UTF8.self).trimmingWhitespace().lowercased()
        let parameters = end < b.count ? MIMEParameters.parse(b, from: end + 1) : [:]
        return ContentDisposition(type: type, parameters: parameters)
    }
}
