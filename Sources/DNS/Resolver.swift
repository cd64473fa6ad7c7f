// The Resolver protocol: what Delivery, TLSPolicy and SMTPServer ask of DNS. LDNSResolver asks a
// validating resolver; CachingResolver wraps any Resolver; tests may supply their own.
import MailCore

public protocol Resolver: Sendable {
    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord>
    /// A and AAAA together; status is the weaker of the two.
    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress>
    /// `name` like "_25._tcp.mx1.example.test".
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord>
    /// Each record's character-strings joined into one string.
    func txt(_ name: String) async throws -> DNSAnswer<String>
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String>
    /// For RFC 7672 §2.2.3 TLSA base domains.
    func cname(_ name: String) async throws -> DNSAnswer<String>
}

/// `trust-ad`: set DO on each query and trust the AD bit of a validating resolver on loopback.
/// `off`: no DO; every status is `indeterminate`.
public enum DNSSECMode: String, Sendable {
    case trustAD = "trust-ad"
    case off
}
