// Metrics taken at the gateway's seams, so no lower target knows about metrics: the inspector
// (rejections by rule, PHI findings by type), the resolver and the MTA-STS fetcher (failures).

import DNS
import MailCore
import SMTPServer
import TLSPolicy

/// Counts each recipient policy rejects (by rule) and each PHI finding (by type) of an inspection.
struct MetricsInspector: MessageInspector {
    let base: any MessageInspector
    let metrics: GatewayMetrics

    func inspect(message: [UInt8], sender: MailAddress?, recipients: [RecipientSpec], client: ClientInfo) async -> Inspection {
        let inspection = await base.inspect(message: message, sender: sender, recipients: recipients, client: client)
        for decision in inspection.decisions {
            if case .reject = decision.action { metrics.rejected(rule: decision.trace.rule) }
        }
        var counts: [PHIType: Int] = [:]
        for finding in inspection.findings { counts[finding.type, default: 0] += 1 }
        for (type, count) in counts { metrics.phiFinding(type: type, count: count) }
        return inspection
    }
}

/// Counts lookups that fail (a temporary failure, a bogus answer, malformed data), by record type.
struct MetricsResolver: Resolver {
    let base: any Resolver
    let metrics: GatewayMetrics

    private func counted<T>(_ type: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            metrics.dnsFailure(type: type)
            throw error
        }
    }

    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> { try await counted("MX") { try await base.mx(domain) } }
    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        try await counted("A") { try await base.addresses(host) }
    }
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> { try await counted("TLSA") { try await base.tlsa(name) } }
    func txt(_ name: String) async throws -> DNSAnswer<String> { try await counted("TXT") { try await base.txt(name) } }
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> { try await counted("PTR") { try await base.ptr(address) } }
    func cname(_ name: String) async throws -> DNSAnswer<String> { try await counted("CNAME") { try await base.cname(name) } }
}

/// Counts MTA-STS policy fetches that fail.
struct MetricsMTASTSFetcher: MTASTSPolicyFetching {
    let base: any MTASTSPolicyFetching
    let metrics: GatewayMetrics

    func policyText(domain: String, addresses: [String]) async throws -> String {
        do { return try await base.policyText(domain: domain, addresses: addresses) } catch {
            metrics.mtaSTSFailure()
            throw error
        }
    }
}
