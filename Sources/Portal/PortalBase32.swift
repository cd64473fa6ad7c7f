// PortalBase32: RFC 4648 base32 in lower case without padding, the text form of message ids and
// link tokens (URL-safe, and a mail client that changes the case of a link cannot break it).

enum PortalBase32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text` (either case), or nil when it is not base32 of exactly `byteCount` bytes
    /// in its one canonical spelling (no padding, unused trailing bits zero).
    static func decode(_ text: String, byteCount: Int) -> [UInt8]? {
        guard text.utf8.count == (byteCount * 8 + 4) / 5 else { return nil }
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for char in text.lowercased().utf8 {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        guard out.count == byteCount, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
