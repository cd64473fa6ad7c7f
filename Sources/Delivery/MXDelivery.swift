// MXDelivery: delivers a message's due recipients straight to their domains' MX hosts: one
// transaction per group (domain + TLS floor) and MX, hosts and addresses in order, per-domain limits.

import DNS
import Foundation
import Logging
import MailCore
import NIOPosix
import TLSPolicy

struct MXDelivery: Sendable {
    let client: SMTPClient
    let routing: DeliveryRouting
    let limiter: DestinationLimiter
    /// Blocking observation-store reads and writes run here.
    let pool: NIOThreadPool
    /// The time DANE checks certificates against.
    let clock: WallClock
    let logger: Logger

    private var settings: DeliverySettings { client.settings }

    /// Every attempt made, in order; the recipient states come from the reports not `superseded`.
    func deliver(envelope: Envelope, due: [Int], message: [UInt8], transport: MethodChoice.TransportFloor) async -> [AttemptReport] {
        let groups = RecipientGrouping.groups(envelope: envelope, due: due, message: message, transport: transport)
        return await withTaskGroup(of: (Int, [AttemptReport]).self) { tasks in
            for (n, group) in groups.enumerated() {
                tasks.addTask { (n, await self.deliver(group, envelope: envelope, message: message)) }
            }
            var byGroup: [Int: [AttemptReport]] = [:]
            for await (n, reports) in tasks { byGroup[n] = reports }
            return byGroup.keys.sorted().flatMap { byGroup[$0] ?? [] }
        }
    }

    func deliver(_ group: DeliveryGroup, envelope: Envelope, message: [UInt8]) async -> [AttemptReport] {
        guard let resolver = routing.resolver else {
            return [local(group, host: group.domainName, .init(EnhancedStatus(4, 4, 3), "no DNS resolver configured for MX delivery"))]
        }
        let targets: [MXTarget], mxStatus: DNSSECStatus
        switch await MXRoute.resolve(group.domain, resolver: resolver) {
        case .failure(let status, let reason):
            return [local(group, host: group.domainName, .init(status, reason))]
        case .targets(let t, let s):
            targets = t; mxStatus = s
        }
        let context = await DomainContext.load(group: group, routing: routing, pool: pool, logger: logger)
        if let failure = context.failure {
            return [local(group, host: group.domainName, failure, notes: context.notes)]
        }
        var attempts: [AttemptReport] = []
        for target in targets {
            let input = HopPlanInput(group: group, target: target, mxStatus: mxStatus, domainLevel: context.level,
                                     mtaSTS: context.mtaSTS, ratchet: context.ratchet)
            let policy: HopTLSPolicy
            switch await HopPlanning.policy(input, resolver: resolver, verifier: client.pkix, clock: clock) {
            case .failure(let failure):
                var report = local(group, host: target.host, failure, notes: context.notes)
                // DANE (bogus or unusable TLSA) or MTA-STS (MX not listed) rule this host out: a TLS
                // shortfall for the ladder. DNS trouble (4.4.x) and REQUIRETLS (final) are not.
                if failure.status.subject == 7, !group.requireTLS {
                    report.tlsShortfall = TLSOutcome(host: target.host, requirement: TLSRequirement(encrypted: true),
                                                     measured: .hopUnusable(reason: failure.reason))
                }
                if failure.status.subject == 7 {
                    // A policy failure is a TLS report's failure session too (RFC 8460 §4.3).
                    report.tlsReportPolicy = TLSReportClassifier.unplannedPolicy(domain: group.domainName, mtaSTS: context.mtaSTS,
                                                                                 reason: failure.reason)
                }
                attempts.append(report)
                continue
            case .success(var p):
                p.notes = context.notes + p.notes
                policy = p
            }
            switch await MXRoute.addresses(for: target, resolver: resolver) {
            case .failure(let failure):
                attempts.append(local(group, host: target.host, failure, notes: policy.notes))
            case .success(let addresses):
                for address in addresses {
                    let outcome = await connect(group, envelope: envelope, message: message,
                                                hop: Hop(host: target.host, address: address, port: settings.port), tls: policy)
                    attempts.append(outcome.report)
                    if outcome.reachedMail { return AttemptSelection.mark(attempts, lastReachedMail: true) }
                }
            }
        }
        return AttemptSelection.mark(attempts)
    }

    private func connect(_ group: DeliveryGroup, envelope: Envelope, message: [UInt8], hop: Hop,
                         tls: HopTLSPolicy) async -> OutboundTransaction.Outcome {
        var outcome = await limiter.withSlot(group.domainName) {
            await client.deliver(envelope: envelope, recipients: group.recipients, message: message, hop: hop, tls: tls)
        }
        outcome.report.domain = group.domainName
        outcome.report.tlsReportPolicy = tls.reportPolicy
        if outcome.report.relayIP != nil { await observe(outcome.report, domain: group.domainName) }
        return outcome
    }

    /// Records what this connection showed, per domain and MX (no PHI: names and TLS facts only).
    private func observe(_ report: AttemptReport, domain: String) async {
        guard let store = routing.observations else { return }
        do {
            try await pool.runIfActive {
                try store.record(domain: domain, mxHost: report.relayHost, facts: report.tls,
                                 certificateExpires: report.certificateExpires)
            }
        } catch {
            logger.warning("cannot record TLS observation for \(domain) (\(report.relayHost)): \(error)")
        }
    }

    /// A report for a failure decided locally, before any connection (DNS, TLS plan, REQUIRETLS).
    private func local(_ group: DeliveryGroup, host: String, _ failure: EnhancedStatus.Failure, notes: [String] = []) -> AttemptReport {
        let outcome: Outcome = failure.status.isPermanent ? .bounced : .deferred
        var report = AttemptReport(relayHost: host, relayIP: nil, relayPort: settings.port, tls: nil, results: group.recipients.map {
            RecipientResult(index: $0.index, recipient: $0.spec, outcome: outcome, reply: nil, status: failure.status,
                            reason: failure.reason)
        })
        report.domain = group.domainName
        report.notes = notes
        return report
    }
}

/// What is known about a destination domain before its MX hosts are tried.
struct DomainContext: Sendable {
    var level: TLSLevel
    var mtaSTS: MTASTSPolicy?
    var ratchet: TLSRequirement?
    var notes: [String]
    /// Set when something the TLS decision depends on could not be read: the group defers
    /// (a failed lookup is never "nothing recorded", design.md §4).
    var failure: EnhancedStatus.Failure?

    static func load(group: DeliveryGroup, routing: DeliveryRouting, pool: NIOThreadPool, logger: Logger) async -> DomainContext {
        let domain = group.domainName
        var context = DomainContext(level: routing.tlsLevels.level(for: domain), mtaSTS: nil, ratchet: nil, notes: [])
        guard case .name = group.domain, !group.tlsPolicyWaived else { return context }
        if let client = routing.mtaSTS {
            switch await client.policy(for: domain) {
            case .none: break
            case .policy(let p):
                context.mtaSTS = p
            case .temporaryFailure(let why):
                context.notes.append("MTA-STS lookup failed: \(why)")
            }
        }
        if let store = routing.observations {
            do {
                context.ratchet = try await pool.runIfActive { try store.ratchetRequirement(domain: domain) }
            } catch {
                logger.warning("cannot read TLS observations for \(domain): \(error)")
                context.failure = .init(EnhancedStatus(4, 4, 3), "cannot read the TLS observations (ratchet) for \(domain): \(error)")
            }
        }
        return context
    }
}

/// Which attempt decides a group's recipients: the one that reached MAIL; else the last one, unless
/// it bounced while an earlier host deferred (a backup MX's permanent refusal does not bounce that).
enum AttemptSelection {
    static func mark(_ attempts: [AttemptReport], lastReachedMail: Bool = false) -> [AttemptReport] {
        guard let last = attempts.indices.last else { return [] }
        var deciding = last
        if !lastReachedMail, !attempts[last].results.contains(where: { $0.outcome != .bounced }),
           let temporary = attempts.lastIndex(where: { $0.results.contains { $0.outcome == .deferred } }) {
            deciding = temporary
        }
        return attempts.enumerated().map { n, report in
            var r = report
            r.superseded = n != deciding
            return r
        }
    }
}
