// Strict base64 decoding (RFC 4648 §4, padding required) for SASL responses in AUTH, where
// RFC 4954 says a malformed response must be refused rather than guessed at.

enum ServerBase64 {
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let isLast = i + 4 == input.count
            var values: [UInt8] = []
            var padding = 0
            for byte in input[i..<i + 4] {
                if byte == UInt8(ascii: "=") {
                    guard isLast else { return nil }
                    padding += 1
                } else {
                    guard padding == 0, let v = value(of: byte) else { return nil }
                    values.append(v)
                }
            }
            guard padding <= 2 else { return nil }
            let combined = values.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (18 - 6 * UInt32($1.offset)) }
            out.append(UInt8(truncatingIfNeeded: combined >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: combined >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: combined)) }
            i += 4
        }
        return out
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
