// GatewayMetrics over a registry of the test's own (no global bootstrap): audit events, inspections,
// DNS and MTA-STS failures move the right series; labels carry types and names, never addresses.
import Audit
import DNS
import Foundation
import MailCore
import Prometheus
import SMTPServer
import XCTest
@testable import Gateway

final class GatewayMetricsTests: XCTestCase {
    private func make() -> (PrometheusCollectorRegistry, GatewayMetrics) {
        let registry = PrometheusCollectorRegistry()
        return (registry, GatewayMetrics(factory: PrometheusMetricsFactory(registry: registry)))
    }

    private func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    private func address(_ s: String) throws -> MailAddress { try MailAddressParser.parse(s, allowUTF8: true) }

    func testAuditEventsMoveTheCounters() throws {
        let (registry, metrics) = make()
        metrics.registerAll()
        let id = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 7)
        let rcpt = try address("patient@example.org")
        let tls = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                           verification: .verified(trust: .pkix))
        let recorder = MetricsAuditRecorder(base: MemoryAuditStore(node: "gw", clock: SystemClock()), metrics: metrics)
        let client = ClientInfo(address: "127.0.0.1", port: 4000, hostname: nil, helo: "c", protocolName: "ESMTP",
                                authenticatedUser: nil, tls: nil, listener: "relay")
        try recorder.record(.accepted(AcceptedEvent(queueID: id, sender: nil, recipients: [rcpt], size: 10, client: client)))
        let method = MethodRecord(method: "smime", otherwise: nil, skipped: [], encryption: nil)
        try recorder.record(.delivered(AttemptEvent(queueID: id, recipient: rcpt, attempt: 1, tls: tls, method: method)))
        try recorder.record(.delivered(AttemptEvent(queueID: id, recipient: rcpt, attempt: 1)))
        try recorder.record(.deferred(AttemptEvent(queueID: id, recipient: rcpt, attempt: 1)))
        try recorder.record(.bounced(AttemptEvent(queueID: id, recipient: rcpt, attempt: 2)))
        let text = MetricsExposition.render(registry)
        XCTAssertEqual(value(text, "sealgate_accepted_total"), 1)
        XCTAssertEqual(value(text, #"sealgate_delivered_total{method="smime"}"#), 1)
        XCTAssertEqual(value(text, #"sealgate_delivered_total{method="tls"}"#), 1)
        XCTAssertEqual(value(text, #"sealgate_deliveries_tls_total{version="TLSv1.3",trust="pkix"}"#), 1)
        XCTAssertEqual(value(text, #"sealgate_deliveries_tls_total{version="none",trust="none"}"#), 1)
        XCTAssertEqual(value(text, "sealgate_deferred_total"), 1)
        XCTAssertEqual(value(text, "sealgate_bounced_total"), 1)
        XCTAssertEqual(value(text, "sealgate_portal_notices_total"), 0)
        XCTAssertFalse(text.contains("patient"), "no address in any label")
        XCTAssertTrue(text.contains("# HELP sealgate_accepted_total "))
    }

    func testGaugesAndFailures() async throws {
        let (registry, metrics) = make()
        metrics.queue(messages: 3, recipients: 5, oldestAge: 120)
        metrics.auditOutbox(records: 7)
        metrics.certificateNotAfter(listener: "admin", unixSeconds: 1_900_000_000)
        let resolver = MetricsResolver(base: FailingResolver(), metrics: metrics)
        _ = try? await resolver.mx("example.org")
        _ = try? await resolver.tlsa("_25._tcp.mx.example.org")
        _ = try? await resolver.tlsa("_25._tcp.mx2.example.org")
        var text = MetricsExposition.render(registry)
        XCTAssertEqual(value(text, "sealgate_queue_messages"), 3)
        XCTAssertEqual(value(text, "sealgate_queue_recipients"), 5)
        XCTAssertEqual(value(text, "sealgate_queue_oldest_age_seconds"), 120)
        XCTAssertEqual(value(text, "sealgate_audit_outbox_records"), 7)
        XCTAssertEqual(value(text, #"sealgate_certificate_not_after_seconds{listener="admin"}"#), 1_900_000_000)
        XCTAssertEqual(value(text, #"sealgate_dns_lookup_failures_total{type="MX"}"#), 1)
        XCTAssertEqual(value(text, #"sealgate_dns_lookup_failures_total{type="TLSA"}"#), 2)
        metrics.queue(messages: 0, recipients: 0, oldestAge: 0)
        text = MetricsExposition.render(registry)
        XCTAssertEqual(value(text, "sealgate_queue_messages"), 0)
    }

    func testInspectionsCountRejectionsByRuleAndFindingsByType() async throws {
        let (registry, metrics) = make()
        let reject = Decision(action: .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "no")),
                              trace: DecisionTrace(rule: "block-ssn", findingCounts: [:], uninspectedParts: 0, score: 0))
        let deliver = Decision(action: .deliver, trace: DecisionTrace(rule: "default", findingCounts: [:], uninspectedParts: 0, score: 0))
        let findings = [Finding(type: .ssn, sample: "***-**-6789", part: "1", confidence: 1),
                        Finding(type: .ssn, sample: "***-**-1111", part: "1", confidence: 1),
                        Finding(type: .npi, sample: "******3", part: "1", confidence: 1)]
        let inspector = MetricsInspector(base: FixedInspector(inspection: Inspection(decisions: [reject, deliver], findings: findings)),
                                         metrics: metrics)
        let client = ClientInfo(address: "127.0.0.1", port: 4000, hostname: nil, helo: "c", protocolName: "ESMTP",
                                authenticatedUser: nil, tls: nil, listener: "relay")
        _ = await inspector.inspect(message: [], sender: nil, recipients: [], client: client)
        let text = MetricsExposition.render(registry)
        XCTAssertEqual(value(text, #"sealgate_rejected_total{rule="block-ssn"}"#), 1)
        XCTAssertNil(value(text, #"sealgate_rejected_total{rule="default"}"#))
        XCTAssertEqual(value(text, #"sealgate_phi_findings_total{type="ssn"}"#), 2)
        XCTAssertEqual(value(text, #"sealgate_phi_findings_total{type="npi"}"#), 1)
        XCTAssertFalse(text.contains("6789"), "no sample in any label")
    }
}

private struct FixedInspector: MessageInspector {
    let inspection: Inspection
    func inspect(message: [UInt8], sender: MailAddress?, recipients: [RecipientSpec], client: ClientInfo) async -> Inspection {
        inspection
    }
}

private struct FailingResolver: Resolver {
    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> { throw DNSError.temporary("timeout") }
    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> { throw DNSError.temporary("timeout") }
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> { throw DNSError.bogus("bad sig") }
    func txt(_ name: String) async throws -> DNSAnswer<String> { throw DNSError.temporary("timeout") }
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> { throw DNSError.temporary("timeout") }
    func cname(_ name: String) async throws -> DNSAnswer<String> { throw DNSError.temporary("timeout") }
}
