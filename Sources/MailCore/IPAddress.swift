// IPAddress and CIDR networks: parsing both families and testing membership, used for
// trusted networks, address literals and per-IP connection limits.

public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4([UInt8])   // 4 bytes
    case v6([UInt8])   // 16 bytes

    public init?(_ text: String) {
        if let b = IPAddress.parseIPv4(text) { self = .v4(b) }
        else if let b = IPAddress.parseIPv6(text) {
            // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address.
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { self = .v4(Array(b[12...])) }
            else { self = .v6(b) }
        } else { return nil }
    }

    public var bytes: [UInt8] {
        switch self { case .v4(let b), .v6(let b): return b }
    }

    public var description: String {
        switch self {
        case .v4(let b): return b.map(String.init).joined(separator: ".")
        case .v6(let b):
            var groups: [UInt16] = []
            for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])) }
            // Compress the longest run of zero groups (RFC 5952).
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if groups[i] == 0 {
                    var j = i
                    while j < 8 && groups[j] == 0 { j += 1 }
                    if j - i > bestLen && j - i > 1 { bestStart = i; bestLen = j - i }
                    i = j
                } else { i += 1 }
            }
            let hex = groups.map { String($0, radix: 16) }
            if bestStart < 0 { return hex.joined(separator: ":") }
            let head = hex[0..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLen)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    public static func parseIPv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCIIDigit), let v = UInt8(p) else { return nil }
            if p.count > 1 && p.first == "0" { return nil }
            out.append(v)
        }
        return out
    }

    public static func parseIPv6(_ s: String) -> [UInt8]? {
        var text = Substring(s)
        if let pct = text.firstIndex(of: "%") { text = text[..<pct] }   // zone id
        guard !text.isEmpty else { return nil }
        var tailV4: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tailV4 = v4
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let needed = 8 - tailV4.count / 2
        var all: [UInt16]
        if halves.count == 2 {
            guard head.count + tail.count < needed else { return nil }
            all = head + Array(repeating: 0, count: needed - head.count - tail.count) + tail
        } else {
            guard head.count == needed else { return nil }
            all = head
        }
        var out: [UInt8] = []
        for g in all { out.append(UInt8(g >> 8)); out.append(UInt8(g & 0xff)) }
        return out + tailV4
    }
}

/// A CIDR network such as `127.0.0.0/8` or `::1/128`.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let addr = IPAddress(String(first)) else { return nil }
        let maxBits = addr.bytes.count * 8
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...maxBits).contains(n) else { return nil }
            prefixLength = n
        } else {
            prefixLength = maxBits
        }
        address = addr
    }

    public func contains(_ ip: IPAddress) -> Bool {
        let a = address.bytes, b = ip.bytes
        guard a.count == b.count else { return false }
        var bits = prefixLength
        for i in 0..<a.count where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xff : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a[i] & mask != b[i] & mask { return false }
            bits -= 8
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
