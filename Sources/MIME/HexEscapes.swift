// HexEscapes: the one decoder of "escape byte + two hex digits" text: RFC 2047's Q encoding (`=XX`,
// `_` a space), RFC 2231's parameter values and HTML forms' URL encoding (`%XX`, `+` a space in forms).

public enum HexEscapes {
    /// `bytes` with each `escape` followed by two hex digits replaced by that byte and each `space`
    /// (when given) by 0x20. An escape without two hex digits after it stays as it is.
    public static func decode(_ bytes: ArraySlice<UInt8>, escape: UInt8, space: UInt8? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == escape, i + 2 < bytes.endIndex,
               let hi = MIMEBytes.hexValue(bytes[i + 1]), let lo = MIMEBytes.hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            out.append(space != nil && c == space ? 0x20 : c)
            i += 1
        }
        return out
    }
}
