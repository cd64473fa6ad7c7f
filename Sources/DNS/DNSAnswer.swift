// DNS answers as the rest of Sealgate sees them: records of one type, their DNSSEC status, the TTL
// to cache them for, and whether the name does not exist. Also the record value types.
import MailCore

/// How far an answer can be trusted, as the validating resolver reported it.
public enum DNSSECStatus: String, Sendable, Codable {
    case secure          // the validating resolver set AD
    case insecure        // answered, AD clear: provably unsigned, or signed but not validated
    case bogus           // validation failed
    case indeterminate   // DNSSEC not asked for (mode `off`)

    /// Lower is weaker: bogus < indeterminate < insecure < secure.
    var strength: Int {
        switch self {
        case .bogus: return 0
        case .indeterminate: return 1
        case .insecure: return 2
        case .secure: return 3
        }
    }

    /// The weaker of two statuses (for answers combined from two lookups, such as A + AAAA).
    public func weaker(_ other: DNSSECStatus) -> DNSSECStatus {
        other.strength < strength ? other : self
    }
}

public struct DNSAnswer<Record: Sendable>: Sendable {
    public var records: [Record]      // empty for NXDOMAIN or NODATA
    public var status: DNSSECStatus   // secure only when the validating resolver set AD
    public var ttl: UInt32            // for negative answers: the SOA minimum (RFC 2308)
    public var nxdomain: Bool

    public init(records: [Record], status: DNSSECStatus, ttl: UInt32, nxdomain: Bool = false) {
        self.records = records
        self.status = status
        self.ttl = ttl
        self.nxdomain = nxdomain
    }
}

public struct MXRecord: Sendable, Hashable {
    public var preference: UInt16
    public var host: String   // lowercased, no trailing dot; "" for the null MX "." (RFC 7505)

    public init(preference: UInt16, host: String) {
        self.preference = preference
        self.host = host
    }

    /// RFC 7505: a single MX with the root as exchange means "this domain accepts no mail".
    public var isNullMX: Bool { host.isEmpty }
}

public struct TLSARecord: Sendable, Hashable {
    public var usage: UInt8          // 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
    public var selector: UInt8       // 0 Cert, 1 SPKI
    public var matchingType: UInt8   // 0 Full, 1 SHA-256, 2 SHA-512
    public var data: [UInt8]

    public init(usage: UInt8, selector: UInt8, matchingType: UInt8, data: [UInt8]) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
        self.data = data
    }
}
