// SmarthostDelivery: relaying everything through the configured smarthost, one transaction per
// TLS floor (RecipientGrouping). Without a floor TLS is opportunistic; with one it is measured, then enforced.

import Foundation
import MailCore
import TLSPolicy

struct SmarthostDelivery: Sendable {
    let client: SMTPClient
    private var settings: DeliverySettings { client.settings }

    init(client: SMTPClient) { self.client = client }

    func deliver(envelope: Envelope, due: [Int], message: [UInt8], transport: MethodChoice.TransportFloor) async -> [AttemptReport] {
        let host = settings.smarthostHost ?? "127.0.0.1"
        let hop = Hop(host: host, address: host, port: settings.smarthostPort)
        var reports: [AttemptReport] = []
        for batch in RecipientGrouping.batches(envelope: envelope, due: due, message: message, byDomain: false,
                                               transport: transport) {
            switch policy(floor: batch.floor, host: host) {
            case .success(let tls):
                var report = await client.deliver(envelope: envelope, recipients: batch.recipients, message: message,
                                                   hop: hop, tls: tls).report
                report.notes = tls.notes
                reports.append(report)
            case .failure(let failure):
                reports.append(localFailure(batch.recipients, host: host, failure))
            }
        }
        return reports
    }

    /// The smarthost's TLS policy for one floor. The smarthost is named in configuration, not
    /// found through DNS, so DANE and MTA-STS do not apply; PKIX checks use the configured name.
    /// `TLS-Required: No` (honoured only without a policy floor, RecipientGrouping) relaxes it to `may`.
    func policy(floor: TLSFloor, host: String) -> Result<HopTLSPolicy, EnhancedStatus.Failure> {
        if floor.waived {
            var relaxed = HopTLSPolicy.opportunistic(attempt: settings.startTLS, verifier: client.pkix, names: [host])
            relaxed.notes = ["TLS-Required: No honoured (no policy TLS floor): level may"]
            return .success(relaxed)
        }
        guard !floor.isEmpty else {
            return .success(.opportunistic(attempt: settings.startTLS, verifier: client.pkix, names: [host]))
        }
        // RFC 8689: REQUIRETLS needs a verified certificate and a next hop that offers REQUIRETLS.
        let level: TLSLevel = floor.requireTLS && [nil, .none, .may, .encrypt].contains(floor.level) ? .verify : (floor.level ?? .encrypt)
        switch TLSPlanner.plan(level: level, domain: host, mxHost: host, mxStatus: .indeterminate, tlsa: nil, mtaSTS: nil) {
        case .failure(let error):
            return .failure(.init(error.status, error.message))
        case .success(var plan):
            if let version = floor.version {
                plan.requirement = HopPlanning.raise(plan.requirement, by: TLSRequirement(encrypted: true, minimumVersion: version))
            }
            let names = plan.pkixNames.isEmpty ? [host] : plan.pkixNames
            return .success(HopTLSPolicy(attempt: true, requirement: plan.requirement,
                                         authenticate: HopPlanning.pkixAuthenticator(client.pkix, names: names, trust: .pkix),
                                         requireTLS: floor.requireTLS,
                                         notes: plan.notes + ["policy floor for the smarthost: \(plan.requirement)"]))
        }
    }

    private func localFailure(_ recipients: [(index: Int, spec: RecipientSpec)], host: String,
                              _ failure: EnhancedStatus.Failure) -> AttemptReport {
        let outcome: Outcome = failure.status.isPermanent ? .bounced : .deferred
        return AttemptReport(relayHost: host, relayIP: nil, relayPort: settings.smarthostPort, tls: nil, results: recipients.map {
            RecipientResult(index: $0.index, recipient: $0.spec, outcome: outcome, reply: nil, status: failure.status,
                            reason: failure.reason)
        })
    }
}
