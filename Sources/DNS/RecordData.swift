// Pure parsers for the uncompressed wire-format RDATA that LDNSExchange copies out of ldns:
// MX, A/AAAA, TLSA, TXT, names (PTR, CNAME) and the SOA minimum. No I/O, no ldns pointers.
import MailCore

/// One resource record copied out of an ldns packet.
struct RawRecord: Sendable, Equatable {
    var type: UInt16
    var ttl: UInt32
    var rdata: [UInt8]   // uncompressed wire format
}

enum RRType {
    static let a: UInt16 = 1
    static let ns: UInt16 = 2
    static let cname: UInt16 = 5
    static let soa: UInt16 = 6
    static let ptr: UInt16 = 12
    static let mx: UInt16 = 15
    static let txt: UInt16 = 16
    static let aaaa: UInt16 = 28
    static let tlsa: UInt16 = 52

    static func name(_ type: UInt16) -> String {
        switch type {
        case a: return "A"
        case cname: return "CNAME"
        case soa: return "SOA"
        case ptr: return "PTR"
        case mx: return "MX"
        case txt: return "TXT"
        case aaaa: return "AAAA"
        case tlsa: return "TLSA"
        default: return "TYPE\(type)"
        }
    }
}

enum RecordData {
    /// A domain name in uncompressed wire format starting at `offset`: its text (lowercased,
    /// no trailing dot, "" for the root) and the offset after it.
    static func name(_ bytes: [UInt8], at offset: Int = 0) throws -> (String, Int) {
        var labels: [String] = []
        var i = offset
        while true {
            guard i < bytes.count else { throw DNSError.malformed("truncated name") }
            let length = Int(bytes[i])
            i += 1
            if length == 0 { break }
            guard length < 64, i + length <= bytes.count else { throw DNSError.malformed("bad label length") }
            labels.append(label(bytes[i..<(i + length)]))
            i += length
        }
        return (labels.joined(separator: "."), i)
    }

    /// A label as text: printable ASCII lowercased, "." and "\" escaped, anything else as \DDD.
    private static func label(_ bytes: ArraySlice<UInt8>) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case UInt8(ascii: "."), UInt8(ascii: "\\"): out += "\\" + String(UnicodeScalar(b))
            case 0x21...0x7e: out += String(UnicodeScalar(b)).lowercased()
            default: out += "\\" + String(format3(b))
            }
        }
        return out
    }

    private static func format3(_ b: UInt8) -> String {
        let s = String(b)
        return String(repeating: "0", count: 3 - s.count) + s
    }

    static func mx(_ rdata: [UInt8]) throws -> MXRecord {
        guard rdata.count >= 3 else { throw DNSError.malformed("short MX record") }
        let (host, end) = try name(rdata, at: 2)
        guard end == rdata.count else { throw DNSError.malformed("trailing bytes in MX record") }
        return MXRecord(preference: UInt16(rdata[0]) << 8 | UInt16(rdata[1]), host: host)
    }

    static func address(_ type: UInt16, _ rdata: [UInt8]) throws -> IPAddress {
        switch (type, rdata.count) {
        case (RRType.a, 4): return .v4(rdata)
        case (RRType.aaaa, 16): return .v6(rdata)
        default: throw DNSError.malformed("\(RRType.name(type)) record of \(rdata.count) bytes")
        }
    }

    static func tlsa(_ rdata: [UInt8]) throws -> TLSARecord {
        guard rdata.count >= 3 else { throw DNSError.malformed("short TLSA record") }
        return TLSARecord(usage: rdata[0], selector: rdata[1], matchingType: rdata[2], data: Array(rdata[3...]))
    }

    /// The character-strings of one TXT record, concatenated (RFC 7208 §3.3, RFC 8461 §3.1).
    static func txt(_ rdata: [UInt8]) throws -> String {
        var bytes: [UInt8] = []
        var i = 0
        while i < rdata.count {
            let length = Int(rdata[i])
            guard i + 1 + length <= rdata.count else { throw DNSError.malformed("truncated TXT string") }
            bytes += rdata[(i + 1)..<(i + 1 + length)]
            i += 1 + length
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A record whose RDATA is exactly one name (PTR, CNAME).
    static func singleName(_ rdata: [UInt8]) throws -> String {
        let (host, end) = try name(rdata)
        guard end == rdata.count else { throw DNSError.malformed("trailing bytes after name") }
        return host
    }

    /// The negative-caching TTL of an SOA record (RFC 2308 §5): min(its TTL, its MINIMUM field).
    static func negativeTTL(_ soa: RawRecord) -> UInt32? {
        guard soa.type == RRType.soa, let (_, afterMname) = try? name(soa.rdata),
              let (_, afterRname) = try? name(soa.rdata, at: afterMname),
              afterRname + 20 == soa.rdata.count else { return nil }
        let m = soa.rdata[(afterRname + 16)...]
        let minimum = m.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return min(soa.ttl, minimum)
    }
}

enum QueryName {
    /// Lowercased with one trailing dot; A-labels only (callers convert IDNs first).
    static func normalize(_ name: String) throws -> String {
        var n = name.lowercased()
        if n.hasSuffix(".") { n.removeLast() }
        guard !n.isEmpty, n.utf8.count <= 253 else { throw DNSError.malformed("bad query name \"\(name)\"") }
        for label in n.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count),
                  label.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") })
            else { throw DNSError.malformed("bad query name \"\(name)\"") }
        }
        return n + "."
    }
}
