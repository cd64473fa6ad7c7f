// The "relaxed" header canonicalisation of RFC 6376 §3.4.2: lowercase name, unfolded value, each
// run of WSP made one space, no WSP around the colon or at the value's ends; "name:value\r\n".

enum RelaxedHeader {
    /// One header field (as written, folding included, without its final CRLF) in relaxed form,
    /// ending in CRLF.
    static func canonicalize<S: Collection>(field raw: S) -> [UInt8] where S.Element == UInt8 {
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + 2)
        for byte in raw[raw.startIndex..<colon] where !isWSP(byte) {
            out.append(lowercased(byte))
        }
        out.append(UInt8(ascii: ":"))
        appendValue(raw[raw.index(after: colon)...], to: &out)
        out.append(0x0D)
        out.append(0x0A)
        return out
    }

    /// Unfolds (drops every CRLF), makes each WSP run one SP, and drops WSP at both ends.
    private static func appendValue<S: Collection>(_ value: S, to out: inout [UInt8]) where S.Element == UInt8 {
        var pendingSpace = false
        var wroteAny = false
        for byte in value {
            if byte == 0x0D || byte == 0x0A { continue }
            if isWSP(byte) {
                pendingSpace = true
                continue
            }
            if pendingSpace && wroteAny { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
            wroteAny = true
        }
    }

    static func isWSP(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}
