// CRLFCanonical: the canonical line-end form MIME signing and encryption need (RFC 5751/8551 §3.1.1):
// every bare LF and every bare CR becomes CRLF, an existing CRLF stays one; no other byte changes.

public enum CRLFCanonical {
    public static func form(of bytes: [UInt8]) -> [UInt8] {
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == cr {
                out += [cr, lf]
                if i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
            } else if b == lf {
                out += [cr, lf]
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
