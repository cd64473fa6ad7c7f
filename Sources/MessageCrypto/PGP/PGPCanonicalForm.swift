// PGPCanonicalForm: the bytes Sealgate itself hands to librnp: every line end (LF, CR or CRLF)
// made CRLF, so the recipient decrypts exactly the canonical MIME entity (RFC 3156 §3).

enum PGPCanonicalForm {
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == cr {
                out.append(cr); out.append(lf)
                if i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
            } else if b == lf {
                out.append(cr); out.append(lf)
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
