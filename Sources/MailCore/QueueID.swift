// QueueID: a message's identity in the spool, logs, Received header and 250 reply. Unique across
// nodes: 11 base-31 characters of microsecond time, 2 of node, 5 random (Postfix long-ID spirit).

public struct QueueID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: String

    static let alphabet = Array("0123456789BCDFGHJKLMNPQRSTVWXYZ") // 31 characters, no vowels
    public static let length = 18

    public init?(_ text: String) {
        guard text.count == QueueID.length, text.allSatisfy({ QueueID.alphabet.contains($0) }) else { return nil }
        value = text
    }

    /// Builds an ID from the time in microseconds since 1970, a node number and random bits.
    public init(microseconds: UInt64, node: UInt16, random: UInt32) {
        var s = QueueID.encode(microseconds, width: 11)
        s += QueueID.encode(UInt64(node), width: 2)
        s += QueueID.encode(UInt64(random), width: 5)
        value = s
    }

    public static func generate(node: UInt16) -> QueueID {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let micros = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec / 1000)
        return QueueID(microseconds: micros, node: node, random: UInt32.random(in: 0...UInt32.max))
    }

    static func encode(_ v: UInt64, width: Int) -> String {
        var n = v, out: [Character] = []
        let b = UInt64(alphabet.count)
        for _ in 0..<width { out.append(alphabet[Int(n % b)]); n /= b }
        return String(out.reversed())
    }

    public var description: String { value }
    public static func < (a: QueueID, b: QueueID) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let id = QueueID(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad queue id \(s)"))
        }
        self = id
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(value)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
