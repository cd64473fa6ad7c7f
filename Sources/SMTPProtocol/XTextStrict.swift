// Strict RFC 3461 §4 xtext decoding for the server side: ENVID and ORCPT values from clients are
// rejected (nil) when they contain characters or "+HH" escapes that xtext does not allow.

extension XText {
    /// Decodes xtext, or returns nil if `text` is not valid xtext (or decodes to invalid UTF-8).
    public static func decodeStrict(_ text: String) -> String? {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let byte = input[i]
            if byte == UInt8(ascii: "+") {
                guard i + 2 < input.count, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2])
                else { return nil }
                bytes.append(high << 4 | low)
                i += 3
            } else {
                guard (33...126).contains(byte), byte != UInt8(ascii: "=") else { return nil }
                bytes.append(byte)
                i += 1
            }
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        return Array(decoded.utf8) == bytes ? decoded : nil
    }

    /// RFC 3461 requires upper-case hex digits; lower case is accepted, as Postfix does.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
