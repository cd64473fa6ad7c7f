// Why a lookup produced no answer. A temporary failure is never "no record": callers defer on it,
// and only an answer with empty records means the data does not exist.

public enum DNSError: Error, Sendable, CustomStringConvertible, Equatable {
    case temporary(String)   // timeout, SERVFAIL, REFUSED, network: never "no record"
    case bogus(String)       // DNSSEC validation failed
    case malformed(String)   // a bad query name or an answer that does not parse

    public var description: String {
        switch self {
        case .temporary(let why): return "temporary DNS failure: \(why)"
        case .bogus(let why): return "DNSSEC validation failed: \(why)"
        case .malformed(let why): return "malformed DNS data: \(why)"
        }
    }
}
