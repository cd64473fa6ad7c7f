// KeyFormat: tells what a file handed to `keys import` is: an X.509 certificate (PEM or DER) or
// an OpenPGP public key (armored or binary), by its first bytes, before anything parses it.

enum KeyFormat: Equatable {
    case certificate
    case openPGP
    /// Neither; the text says what it looks like instead.
    case unknown(String)

    static func detect(_ bytes: [UInt8]) -> KeyFormat {
        let body = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        guard let first = body.first else { return .unknown("an empty file") }
        if isPEM(bytes) {
            let text = String(decoding: body.prefix(80), as: UTF8.self)
            if text.hasPrefix("-----BEGIN CERTIFICATE-----") || text.hasPrefix("-----BEGIN X509 CERTIFICATE-----") {
                return .certificate
            }
            if text.hasPrefix("-----BEGIN PGP ") { return .openPGP }
            let label = text.dropFirst(11).prefix { $0 != "-" && $0 != "\n" }
            return .unknown("a PEM \(label) block")
        }
        // DER: a SEQUENCE (0x30) with a long-form length; OpenPGP: a packet tag byte (bit 7 set).
        if first == 0x30 { return .certificate }
        if first & 0x80 != 0 { return .openPGP }
        return .unknown("neither a certificate (PEM or DER) nor an OpenPGP public key")
    }

    /// True when the bytes start (after white space) with a PEM or OpenPGP armor line.
    static func isPEM(_ bytes: [UInt8]) -> Bool {
        let body = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        return body.starts(with: Array("-----BEGIN ".utf8))
    }
}
