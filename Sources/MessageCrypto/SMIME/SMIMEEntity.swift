// SMIMEEntity: renders CMS DER as a MIME entity (application/pkcs7-mime or the detached
// application/pkcs7-signature part): its content headers, then the base64 of the DER in 76-column lines.

enum SMIMEEntity {
    /// The complete `application/pkcs7-mime` entity for an encrypted message (RFC 8551 §3.3).
    static func envelope(der: [UInt8], smimeType: String) -> [UInt8] {
        var out = Array("""
            Content-Type: application/pkcs7-mime; smime-type=\(smimeType); name=smime.p7m\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename=smime.p7m\r
            Content-Description: S/MIME Encrypted Message\r
            \r

            """.utf8)
        out += Base64Lines.encode(der)
        return out
    }

    /// The detached signature part of a multipart/signed (RFC 8551 §3.5.3).
    static func signaturePart(der: [UInt8]) -> [UInt8] {
        var out = Array("""
            Content-Type: application/pkcs7-signature; name=smime.p7s\r
            Content-Transfer-Encoding: base64\r
            Content-Disposition: attachment; filename=smime.p7s\r
            Content-Description: S/MIME Cryptographic Signature\r
            \r

            """.utf8)
        out += Base64Lines.encode(der)
        return out
    }
}

/// Base64 (RFC 2045) in lines of 76 characters, each ended by CRLF.
enum Base64Lines {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8], lineLength: Int = 76) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4 / 3 + bytes.count / 38 + 8)
        var column = 0
        func put(_ c: UInt8) {
            out.append(c)
            column += 1
            if column == lineLength { out += [0x0D, 0x0A]; column = 0 }
        }
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            put(alphabet[Int(n >> 18 & 63)]); put(alphabet[Int(n >> 12 & 63)])
            put(alphabet[Int(n >> 6 & 63)]); put(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            put(alphabet[Int(n >> 18 & 63)]); put(alphabet[Int(n >> 12 & 63)])
            put(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "=")); put(UInt8(ascii: "="))
        }
        if column > 0 { out += [0x0D, 0x0A] }
        return out
    }
}
