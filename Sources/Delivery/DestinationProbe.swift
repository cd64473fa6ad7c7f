// DestinationProbe: `sealgate probe DOMAIN`: resolves the domain's MX hosts as delivery would, plans
// TLS with the configured level (and a recipient's policy floor, for `policy explain --probe`),
// connects to each MX (STARTTLS only, no MAIL) and reports the verdicts.

import DNS
import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import TLSPolicy

public final class DestinationProbe: Sendable {
    let client: SMTPClient
    let routing: DeliveryRouting
    let pool: NIOThreadPool
    let clock: WallClock

    /// `settings.port` is the port probed; `routing.resolver` must be set. `group` carries the
    /// connections and `pool` (started, owned by the caller) the observation-store reads; `clock`
    /// the time DANE checks certificates against.
    /// Throws `CAFile.LoadError` when `settings.extraCAFile` is set but unusable.
    public init(settings: DeliverySettings, routing: DeliveryRouting, group: EventLoopGroup, pool: NIOThreadPool,
                clock: WallClock, logger: Logger) throws {
        self.client = try SMTPClient(settings: settings, group: group, logger: logger, clock: clock)
        self.routing = routing
        self.pool = pool
        self.clock = clock
    }

    public func probe(domain text: String) async -> ProbeReport {
        guard let name = DomainName(text) else {
            return ProbeReport(domain: text, level: routing.tlsLevels.level(for: text).rawValue, mxDNSSEC: nil,
                               mxFailure: "not a domain name: \(text)", mtaSTS: nil, hosts: [])
        }
        return await probe(.name(name), floor: TLSFloor()).report
    }

    /// The probe of `domain` planned with `floor` (policy's level and version, as RecipientGrouping
    /// gives them): the report and, per MX in the report's order, what the ladder's `tls` rung would
    /// be judged by there (nil where nothing about TLS was learnt: no address, no connection, no EHLO).
    func probe(_ domainName: MailDomain, floor: TLSFloor) async -> (report: ProbeReport, outcomes: [TLSOutcome?]) {
        let group = DeliveryGroup(domain: domainName, recipients: [], floorLevel: floor.level, floorVersion: floor.version,
                                  requireTLS: floor.requireTLS, tlsPolicyWaived: floor.waived)
        let domain = group.domainName
        var report = ProbeReport(domain: domain, level: routing.tlsLevels.level(for: domain).rawValue,
                                 mxDNSSEC: nil, mxFailure: nil, mtaSTS: nil, hosts: [])
        var outcomes: [TLSOutcome?] = []
        guard let resolver = routing.resolver else {
            report.mxFailure = "no DNS resolver configured"
            return (report, outcomes)
        }
        let context = await DomainContext.load(group: group, routing: routing, pool: pool, logger: client.logger)
        report.mtaSTS = await mtaSTSSummary(domain, context: context)
        switch await MXRoute.resolve(domainName, resolver: resolver, shuffle: { $0 }) {
        case .failure(let status, let reason):
            report.mxFailure = "\(status) \(reason)"
        case .targets(let targets, let status):
            report.mxDNSSEC = status.rawValue
            for target in targets {
                let probed = await probe(target, mxDNSSEC: status, group: group, context: context, resolver: resolver)
                report.hosts.append(probed.host)
                outcomes.append(probed.outcome)
            }
        }
        return (report, outcomes)
    }

    private func mtaSTSSummary(_ domain: String, context: DomainContext) async -> ProbeMTASTS? {
        if let p = context.mtaSTS { return ProbeMTASTS(mode: p.mode.rawValue, mx: p.mx, maxAge: p.maxAge, failure: nil) }
        if let failure = context.notes.first { return ProbeMTASTS(mode: nil, mx: [], maxAge: nil, failure: failure) }
        return routing.mtaSTS == nil ? nil : ProbeMTASTS(mode: nil, mx: [], maxAge: nil, failure: nil)
    }

    private func probe(_ target: MXTarget, mxDNSSEC: DNSSECStatus, group: DeliveryGroup, context: DomainContext,
                       resolver: DNS.Resolver) async -> (host: ProbeHost, outcome: TLSOutcome?) {
        var host = ProbeHost(host: target.host, preference: target.preference, addresses: [], tlsa: [], notes: [])
        let tlsa = await addTLSA(&host, target: target, resolver: resolver)
        let input = HopPlanInput(group: group, target: target, mxStatus: mxDNSSEC, domainLevel: context.level,
                                 mtaSTS: context.mtaSTS, ratchet: context.ratchet)
        let policy: HopTLSPolicy
        var unusable: String?
        switch await HopPlanning.policy(input, resolver: resolver, verifier: client.pkix, clock: clock) {
        case .failure(let f):
            host.planFailure = "\(f.status) \(f.reason)"
            unusable = f.reason
            // Still show what the host offers, judged by PKIX only.
            policy = HopTLSPolicy.opportunistic(attempt: true, verifier: client.pkix, names: [target.host])
        case .success(let p):
            policy = p
            host.requirement = p.requirement.description
        }
        host.notes = policy.notes
        switch await MXRoute.addresses(for: target, resolver: resolver) {
        case .failure(let f):
            host.addressFailure = "\(f.status) \(f.reason)"
            return (host, nil)
        case .success(let addresses):
            host.addresses = addresses
        }
        guard let address = host.addresses.first else { return (host, nil) }
        let session = await ProbeSession(client: client, clock: clock)
            .run(hop: Hop(host: target.host, address: address, port: client.settings.port), policy: policy)
        host.starttls = session.tls
        if !host.tlsa.isEmpty, !session.chain.isEmpty {
            let names = [target.host, group.domainName], now = clock.now()
            host.daneResult = Self.describe(DANEMatcher.match(tlsa, chain: session.chain, names: names, now: now))
            for i in host.tlsa.indices where i < tlsa.count {
                if case .matched = DANEMatcher.match([tlsa[i]], chain: session.chain, names: names, now: now) {
                    host.tlsa[i].match = true
                } else {
                    host.tlsa[i].match = false
                }
            }
        }
        if host.planFailure == nil, session.tls.failure == nil {
            let unmet = policy.requirement.unmetReason(session.facts)
            host.meetsRequirement = unmet == nil
            host.unmetReason = unmet
        } else {
            host.meetsRequirement = false
            host.unmetReason = host.planFailure ?? session.tls.failure
        }
        let measured = unusable.map { .hopUnusable(reason: $0) } ?? TLSOutcome.measurement(policy: policy, session: session)
        return (host, measured.map {
            TLSOutcome(host: target.host, requirement: policy.requirement, requireTLS: group.requireTLS, measured: $0)
        })
    }

    /// Looks up `_25._tcp.<mx>` for the report (whatever the level) and returns the records.
    private func addTLSA(_ host: inout ProbeHost, target: MXTarget, resolver: DNS.Resolver) async -> [TLSARecord] {
        guard target.literalAddress == nil else { return [] }
        do {
            let answer = try await resolver.tlsa("_25._tcp.\(target.host)")
            host.tlsaStatus = answer.status.rawValue
            host.tlsa = answer.records.map {
                ProbeTLSA(usage: Int($0.usage), selector: Int($0.selector), matchingType: Int($0.matchingType),
                          data: String($0.data.map { String(format: "%02x", $0) }.joined().prefix(64)))
            }
            return answer.records
        } catch {
            host.tlsaStatus = "lookup failed: \(error)"
            return []
        }
    }

    static func describe(_ match: DANEMatch) -> String {
        switch match {
        case .matched(let trust): return "matched (\(trust.rawValue))"
        case .noMatch(let why): return "no match: \(why)"
        case .noUsableRecords: return "no usable records"
        }
    }
}
