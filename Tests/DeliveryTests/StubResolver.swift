// StubResolver: an in-memory DNS `Resolver` for the MX delivery tests: MX, address and TLSA
// answers (with their DNSSEC status), NXDOMAIN and temporary failures, all set per name.

import DNS
import Foundation
import MailCore

final class StubResolver: DNS.Resolver, @unchecked Sendable {
    private let lock = NSLock()
    private var mxAnswers: [String: Result<DNSAnswer<MXRecord>, DNSError>] = [:]
    private var addressAnswers: [String: DNSAnswer<IPAddress>] = [:]
    private var tlsaAnswers: [String: DNSAnswer<TLSARecord>] = [:]

    func setMX(_ domain: String, _ records: [(Int, String)], status: DNSSECStatus = .insecure) {
        let answer = DNSAnswer(records: records.map { MXRecord(preference: UInt16($0.0), host: $0.1) }, status: status, ttl: 60)
        lock.withLock { mxAnswers[domain] = .success(answer) }
    }
    func setMXFailure(_ domain: String, _ error: DNSError) { lock.withLock { mxAnswers[domain] = .failure(error) } }
    func setNXDomain(_ domain: String) {
        lock.withLock { mxAnswers[domain] = .success(DNSAnswer(records: [], status: .insecure, ttl: 60, nxdomain: true)) }
    }
    func setAddresses(_ host: String, _ addresses: [String], status: DNSSECStatus = .insecure) {
        lock.withLock { addressAnswers[host] = DNSAnswer(records: addresses.compactMap(IPAddress.init), status: status, ttl: 60) }
    }
    func setTLSA(_ name: String, _ records: [TLSARecord], status: DNSSECStatus = .secure) {
        lock.withLock { tlsaAnswers[name] = DNSAnswer(records: records, status: status, ttl: 60) }
    }

    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> {
        // Unknown names have no MX (NODATA): the implicit-MX case.
        try lock.withLock { mxAnswers[domain] }?.get() ?? DNSAnswer(records: [], status: .insecure, ttl: 60)
    }
    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        lock.withLock { addressAnswers[host] } ?? DNSAnswer(records: [], status: .insecure, ttl: 60, nxdomain: true)
    }
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> {
        lock.withLock { tlsaAnswers[name] } ?? DNSAnswer(records: [], status: .secure, ttl: 60)
    }
    func txt(_ name: String) async throws -> DNSAnswer<String> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
    func cname(_ name: String) async throws -> DNSAnswer<String> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
}
