// PGPMIMEBuilder: wraps an ASCII-armored OpenPGP message as RFC 3156 PGP/MIME:
// multipart/encrypted with the application/pgp-encrypted "Version: 1" part, then the octet-stream.

enum PGPMIMEBuilder {
    /// A fresh boundary. "=_" cannot start an armor line, so no armored line can look like a delimiter.
    static func boundary() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = (0..<4).map { _ in String(rng.next() as UInt32, radix: 16) }.joined()
        return "=_sealgate-pgp-" + hex
    }

    /// The entity: its Content-Type header field, an empty line, then the two parts (CRLF throughout).
    static func entity(armored: [UInt8], boundary: String) -> [UInt8] {
        var lines = [
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";",
            "\tboundary=\"\(boundary)\"",
            "",
            "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)",
            "--\(boundary)",
            "Content-Type: application/pgp-encrypted",
            "Content-Description: PGP/MIME version identification",
            "",
            "Version: 1",
            "",
            "--\(boundary)",
            "Content-Type: application/octet-stream; name=\"encrypted.asc\"",
            "Content-Description: OpenPGP encrypted message",
            "Content-Disposition: inline; filename=\"encrypted.asc\"",
            "",
        ]
        var out = Array(lines.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
        var armor = CRLFCanonical.form(of: armored)
        if armor.last != 0x0A { armor += [0x0D, 0x0A] }
        out += armor
        lines = ["--\(boundary)--", ""]
        out += Array(lines.joined(separator: "\r\n").utf8)
        return out
    }
}
