// ProtectedMessage: builds the message that goes on the wire around an encrypted entity (S/MIME or
// PGP/MIME): the original's routing headers outside, the content (and, with header protection, the
// real Subject and other headers, RFC 9788 / LAMPS header protection) inside the encrypted part.

import MIME

/// What header protection does to one message.
public struct HeaderProtection: Sendable, Equatable {
    /// Carry the real headers inside the encrypted part and show `neutralSubject` outside.
    public var protectSubject: Bool
    /// The outer Subject when protecting (RFC 9788 suggests "[...]"). Printable ASCII only: any
    /// other character is replaced by "?", so the header stays one valid line.
    public var neutralSubject: String
    /// Record each outer header inside as `HP-Outer: Name: value` (RFC 9788 §2.2), so a reader can
    /// tell what the outside showed.
    public var recordOuterHeaders: Bool

    public static let defaultNeutralSubject = "[encrypted message]"
    public static let none = HeaderProtection(protectSubject: false)

    public init(protectSubject: Bool, neutralSubject: String = HeaderProtection.defaultNeutralSubject,
                recordOuterHeaders: Bool = true) {
        self.protectSubject = protectSubject
        self.neutralSubject = neutralSubject
        self.recordOuterHeaders = recordOuterHeaders
    }

    var safeNeutralSubject: String {
        String(neutralSubject.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}

public enum ProtectedMessage {
    /// Builds the wire message for `original` (a whole RFC 5322 message, any line ends): the
    /// cryptographic payload (see `payload`) is handed to `encrypt`, which returns a complete MIME
    /// entity (application/pkcs7-mime, or multipart/encrypted for PGP), and the result is wrapped
    /// by `wireMessage`. Whatever `encrypt` throws is rethrown: there is no path that returns the
    /// original or the payload.
    public static func build(original: [UInt8], protection: HeaderProtection,
                             encrypt: ([UInt8]) throws -> [UInt8]) rethrows -> [UInt8] {
        let encrypted = try encrypt(payload(of: original, protection: protection))
        return wireMessage(original: original, encryptedEntity: encrypted, protection: protection)
    }

    /// The entity to sign and encrypt, CRLF-canonical: the original's content headers and body.
    /// With `protectSubject` it also carries the author's header fields (From, To, Cc, Subject,
    /// Date, Message-ID, ...; trace fields such as Received stay outside), `hp="cipher"` on its
    /// Content-Type and, if asked, an `HP-Outer` field for each header the outside shows.
    public static func payload(of original: [UInt8], protection: HeaderProtection) -> [UInt8] {
        let (fields, body) = RawHeaderFields.split(CRLFCanonical.form(of: original))
        var content = fields.filter { $0.isContentField && $0.lowercasedName != "mime-version" }
        if !content.contains(where: { $0.lowercasedName == "content-type" }) {
            content.insert(RawHeaderField(name: "Content-Type", rawValue: Array(" text/plain; charset=us-ascii".utf8)), at: 0)
        }
        var header: [RawHeaderField] = []
        if protection.protectSubject {
            header += fields.filter { !$0.isContentField && !$0.isTraceField }
            if protection.recordOuterHeaders {
                header += outerFields(fields, protection: protection).filter { !$0.isTraceField }.map { outer in
                    RawHeaderField(name: "HP-Outer", rawValue: Array(" \(outer.name):".utf8) + outer.rawValue)
                }
            }
            content = content.map { $0.lowercasedName == "content-type" ? withCipherParameter($0) : $0 }
        }
        var out: [UInt8] = []
        for field in header + content { out += field.bytes }
        out += [0x0D, 0x0A]
        out += body
        return out
    }

    /// The message for the wire: the original's non-content header fields (Subject neutralised and
    /// Keywords, Comments and Thread-Topic dropped when protecting), `MIME-Version: 1.0`, then `encryptedEntity`'s
    /// own header fields and body. Every line end is CRLF.
    public static func wireMessage(original: [UInt8], encryptedEntity: [UInt8], protection: HeaderProtection) -> [UInt8] {
        let (fields, _) = RawHeaderFields.split(CRLFCanonical.form(of: original))
        let (entityFields, entityBody) = RawHeaderFields.split(CRLFCanonical.form(of: encryptedEntity))
        var out: [UInt8] = []
        for field in outerFields(fields, protection: protection) { out += field.bytes }
        out += Array("MIME-Version: 1.0\r\n".utf8)
        for field in entityFields where field.lowercasedName != "mime-version" { out += field.bytes }
        out += [0x0D, 0x0A]
        out += entityBody
        return out
    }

    /// The header fields the outside shows, in their original order.
    static func outerFields(_ fields: [RawHeaderField], protection: HeaderProtection) -> [RawHeaderField] {
        let outer = fields.filter { !$0.isContentField }
        guard protection.protectSubject else { return outer }
        return outer.compactMap { field in
            switch field.lowercasedName {
            case "subject": return RawHeaderField(name: "Subject", rawValue: Array(" \(protection.safeNeutralSubject)".utf8))
            // Thread-Topic: Outlook and Exchange copy the Subject into it, so it leaves only inside.
            case "keywords", "comments", "thread-topic": return nil
            default: return field
            }
        }
    }

    /// The Content-Type field with `hp="cipher"` appended (RFC 9788 §2.1), unless it has an hp already.
    private static func withCipherParameter(_ field: RawHeaderField) -> RawHeaderField {
        let unfolded = String(decoding: field.rawValue.filter { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        if ContentType.parse(unfolded).parameters.keys.contains(where: { $0.lowercased() == "hp" }) { return field }
        var raw = field.rawValue
        while let last = raw.last, last == 0x20 || last == 0x09 || last == UInt8(ascii: ";") { raw.removeLast() }
        return RawHeaderField(name: field.name, rawValue: raw + Array(";\r\n hp=\"cipher\"".utf8))
    }
}
