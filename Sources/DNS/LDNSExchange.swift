// One blocking query through libldns: builds a resolver for the configured server, sends, and
// copies the RCODE, AD bit and records out as Swift values. Every ldns pointer stays in here.
import CLDNS
import Foundation

/// What a server said, with nothing pointing into ldns memory.
struct RawResponse: Sendable {
    var rcode: UInt8
    var authenticated: Bool     // AD
    var answer: [RawRecord]
    var authority: [RawRecord]
}

enum RCode {
    static let noError: UInt8 = 0
    static let serverFailure: UInt8 = 2
    static let nameError: UInt8 = 3

    static func name(_ code: UInt8) -> String {
        switch code {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        default: return "RCODE\(code)"
        }
    }
}

struct LDNSExchange: Sendable {
    var server: ResolverEndpoint
    var timeout: TimeInterval
    var attempts: UInt8 = 2

    /// Sends `name` (normalized, with trailing dot) / `type`. DO is set when `dnssecOK`; CD when
    /// `checkingDisabled`. Throws DNSError.temporary for timeouts and network errors.
    func query(_ name: String, type: UInt16, dnssecOK: Bool, checkingDisabled: Bool) throws -> RawResponse {
        guard let resolver = ldns_resolver_new() else { throw DNSError.temporary("ldns: out of memory") }
        defer { ldns_resolver_deep_free(resolver) }
        try configure(resolver, dnssecOK: dnssecOK, checkingDisabled: checkingDisabled)

        guard let qname = ldns_dname_new_frm_str(name) else { throw DNSError.malformed("bad query name \"\(name)\"") }
        defer { ldns_rdf_deep_free(qname) }

        var packet: UnsafeMutablePointer<ldns_pkt>?
        var flags = UInt16(LDNS_RD)
        if checkingDisabled { flags |= UInt16(LDNS_CD) }
        let status = ldns_resolver_send(&packet, resolver, qname, ldns_rr_type(rawValue: UInt32(type)),
                                        LDNS_RR_CLASS_IN, flags)
        defer { if let packet { ldns_pkt_free(packet) } }
        guard status == LDNS_STATUS_OK, let packet else {
            let why = ldns_get_errorstr_by_id(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
            throw DNSError.temporary("\(name) \(RRType.name(type)) via \(server): \(why)")
        }
        return Self.response(packet)
    }

    /// A DNS message in wire format, as a server sends it, parsed by ldns (nil when it cannot).
    /// The query path reads the same fields through `response(_:)`; the fuzz entry feeds this one.
    static func response(wire bytes: [UInt8]) -> RawResponse? {
        var packet: UnsafeMutablePointer<ldns_pkt>?
        let status = bytes.withUnsafeBufferPointer { ldns_wire2pkt(&packet, $0.baseAddress, $0.count) }
        defer { if let packet { ldns_pkt_free(packet) } }
        guard status == LDNS_STATUS_OK, let packet else { return nil }
        return response(packet)
    }

    private static func response(_ packet: UnsafeMutablePointer<ldns_pkt>) -> RawResponse {
        RawResponse(rcode: UInt8(truncatingIfNeeded: ldns_pkt_get_rcode(packet).rawValue),
                    authenticated: ldns_pkt_ad(packet),
                    answer: records(ldns_pkt_answer(packet)),
                    authority: records(ldns_pkt_authority(packet)))
    }

    private func configure(_ resolver: UnsafeMutablePointer<ldns_resolver>, dnssecOK: Bool, checkingDisabled: Bool) throws {
        let kind = server.address.bytes.count == 4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA
        guard let ns = ldns_rdf_new_frm_str(kind, server.address.description) else {
            throw DNSError.temporary("resolver address \(server) is not usable")
        }
        defer { ldns_rdf_deep_free(ns) }
        guard ldns_resolver_push_nameserver(resolver, ns) == LDNS_STATUS_OK else {
            throw DNSError.temporary("resolver address \(server) is not usable")
        }
        ldns_resolver_set_port(resolver, server.port)
        ldns_resolver_set_recursive(resolver, true)
        ldns_resolver_set_dnssec(resolver, dnssecOK)
        ldns_resolver_set_dnssec_cd(resolver, checkingDisabled)
        ldns_resolver_set_edns_udp_size(resolver, 1232)
        ldns_resolver_set_fallback(resolver, true)   // retry over TCP when truncated
        ldns_resolver_set_retry(resolver, attempts)
        ldns_resolver_set_retrans(resolver, 0)
        let perTry = max(timeout / Double(max(attempts, 1)), 0.05)
        let seconds = perTry.rounded(.down)
        ldns_resolver_set_timeout(resolver, timeval(tv_sec: Int(seconds),
                                                    tv_usec: Int((perTry - seconds) * 1_000_000)))
    }

    private static func records(_ list: UnsafeMutablePointer<ldns_rr_list>?) -> [RawRecord] {
        guard let list else { return [] }
        var out: [RawRecord] = []
        for i in 0..<ldns_rr_list_rr_count(list) {
            guard let rr = ldns_rr_list_rr(list, i) else { continue }
            var rdata: [UInt8] = []
            for j in 0..<ldns_rr_rd_count(rr) {
                guard let rdf = ldns_rr_rdf(rr, j), let data = ldns_rdf_data(rdf) else { continue }
                rdata += UnsafeBufferPointer(start: data, count: ldns_rdf_size(rdf))
            }
            out.append(RawRecord(type: UInt16(truncatingIfNeeded: ldns_rr_get_type(rr).rawValue),
                                 ttl: ldns_rr_ttl(rr), rdata: rdata))
        }
        return out
    }
}
