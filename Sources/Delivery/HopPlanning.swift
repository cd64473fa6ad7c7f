// HopPlanning: the TLS policy for one MX of one delivery group: TLSPlanner for the destination's
// level and for policy's floor, combined (raised, never lowered), the ratchet, REQUIRETLS, and the authenticator.

import DNS
import Foundation
import MailCore
import TLSPolicy

struct HopPlanInput: Sendable {
    var group: DeliveryGroup
    var target: MXTarget
    var mxStatus: DNSSECStatus
    var domainLevel: TLSLevel
    var mtaSTS: MTASTSPolicy?
    var ratchet: TLSRequirement?
}

enum HopPlanning {
    static let anyAuthentication: Set<TrustSource> = [.daneEE, .daneTA, .pkix, .mtaSTS]

    /// The hop's policy, or why this MX cannot be used (defer 4.x, or 5.7.30 for REQUIRETLS).
    /// `clock` gives the time DANE checks certificate validity against.
    static func policy(_ input: HopPlanInput, resolver: Resolver?, verifier: PKIXVerifier, clock: WallClock) async
        -> Result<HopTLSPolicy, EnhancedStatus.Failure> {
        let group = input.group, mx = input.target.host
        if group.tlsPolicyWaived {
            // RFC 8689 §5 `TLS-Required: No`, allowed by policy for this recipient: opportunistic TLS only.
            return .success(HopTLSPolicy(attempt: true, requirement: .opportunistic,
                                         authenticate: pkixAuthenticator(verifier, names: [mx], trust: .pkix),
                                         notes: ["TLS-Required: No honoured (no policy TLS floor): level may"]))
        }
        var plans: [TLSPlan] = []
        for level in levels(input) {
            let tlsa = await tlsaAnswer(level: level, input: input, resolver: resolver)
            switch TLSPlanner.plan(level: level, domain: group.domainName, mxHost: mx, mxStatus: input.mxStatus,
                                   tlsa: tlsa, mtaSTS: input.mtaSTS) {
            case .success(let plan): plans.append(plan)
            case .failure(let error):
                let status = group.requireTLS ? EnhancedStatus(5, 7, 30) : error.status
                return .failure(.init(status, error.message))
            }
        }
        guard var plan = plans.first else { return .failure(.init(EnhancedStatus(4, 3, 0), "no TLS plan for \(mx)")) }
        for other in plans.dropFirst() { plan = combine(plan, other) }
        if let version = group.floorVersion {
            plan.requirement = raise(plan.requirement, by: TLSRequirement(encrypted: true, minimumVersion: version))
            plan.notes.append("policy floor: \(version.rawValue) or better")
        }
        if let ratchet = input.ratchet {
            plan.requirement = raise(plan.requirement, by: ratchet)
            plan.notes.append("ratchet: \(ratchet)")
        }
        if group.requireTLS {
            switch requireTLSPlan(plan, input: input) {
            case .success(let p): plan = p
            case .failure(let f): return .failure(f)
            }
        }
        let attempt = plan.requirement.encrypted || group.requireTLS || levels(input).contains { $0 != .none }
        return .success(HopTLSPolicy(attempt: attempt, requirement: plan.requirement,
                                     authenticate: authenticator(plan, mx: mx, domain: group.domainName, verifier: verifier,
                                                                 clock: clock),
                                     requireTLS: group.requireTLS,
                                     notes: plan.notes + ["requirement: \(plan.requirement)"],
                                     reportPolicy: TLSReportClassifier.policy(plan, domain: group.domainName, mx: mx,
                                                                              attempted: attempt)))
    }

    /// The destination's level, then policy's floor when it names a different one. For REQUIRETLS
    /// under a secure MX, `dane` too: RFC 8689 accepts a certificate verified by DANE or PKIX.
    static func levels(_ input: HopPlanInput) -> [TLSLevel] {
        var out = [input.domainLevel]
        if let floor = input.group.floorLevel, floor != input.domainLevel { out.append(floor) }
        if input.group.requireTLS, input.mxStatus == .secure, !out.contains(.dane), !out.contains(.daneOnly) {
            out.append(.dane)
        }
        return out
    }

    static func tlsaAnswer(level: TLSLevel, input: HopPlanInput, resolver: Resolver?) async
        -> Result<DNSAnswer<TLSARecord>, DNSError>? {
        guard TLSPlanner.wantsTLSA(level: level, mxStatus: input.mxStatus), let resolver else { return nil }
        do {
            return .success(try await resolver.tlsa("_25._tcp.\(input.target.host)"))
        } catch let error as DNSError {
            return .failure(error)
        } catch {
            return .failure(.temporary("\(error)"))
        }
    }

    /// Two plans for one MX (destination level, policy floor): the stricter facts of both. When both
    /// demand authentication by disjoint sources, DANE in force wins, else the floor's sources.
    static func combine(_ a: TLSPlan, _ b: TLSPlan) -> TLSPlan {
        var out = a
        let authA = a.requirement.authenticatedBy, authB = b.requirement.authenticatedBy
        var trust = authA.isEmpty ? authB : (authB.isEmpty ? authA : authA.intersection(authB))
        if trust.isEmpty && !authA.isEmpty && !authB.isEmpty { trust = a.daneInForce ? authA : authB }
        let version = [a.requirement.minimumVersion, b.requirement.minimumVersion].compactMap { $0 }.max()
        out.requirement = TLSRequirement(encrypted: a.requirement.encrypted || b.requirement.encrypted,
                                         authenticatedBy: trust, minimumVersion: version)
        if out.daneRecords.isEmpty { out.daneRecords = b.daneRecords }
        if !trust.contains(.daneEE) && !trust.contains(.daneTA) && !trust.isEmpty { out.daneRecords = [] }
        out.pkixNames = a.pkixNames + b.pkixNames.filter { !a.pkixNames.contains($0) }
        out.mtaSTS = a.mtaSTS ?? b.mtaSTS
        out.notes = a.notes + b.notes.map { "policy floor: \($0)" }
        return out
    }

    /// `base` raised by `other`, keeping `base`'s sources when the two have none in common.
    static func raise(_ base: TLSRequirement, by other: TLSRequirement) -> TLSRequirement {
        var r = base.raised(to: other)
        if r.authenticatedBy == [.none] { r.authenticatedBy = base.authenticatedBy }
        return r
    }

    /// RFC 8689 §4.2.1: secure MX resolution (or an MTA-STS enforce policy allowing the MX) and a
    /// verified certificate; the next hop's REQUIRETLS offer is checked in the transaction.
    static func requireTLSPlan(_ plan: TLSPlan, input: HopPlanInput) -> Result<TLSPlan, EnhancedStatus.Failure> {
        let mx = input.target.host
        let stsChosen = input.mtaSTS.map { $0.mode == .enforce && $0.allows(mxHost: mx) } ?? false
        guard input.target.mxSecure || stsChosen else {
            return .failure(.init(EnhancedStatus(5, 7, 30),
                                  "REQUIRETLS: MX \(mx) was neither found by DNSSEC-secure resolution nor allowed by an MTA-STS enforce policy"))
        }
        var out = plan
        if out.requirement.authenticatedBy.isEmpty {
            out.requirement = TLSRequirement(encrypted: true, authenticatedBy: anyAuthentication,
                                             minimumVersion: out.requirement.minimumVersion)
        }
        if out.pkixNames.isEmpty { out.pkixNames = [mx] }
        out.notes.append("REQUIRETLS: \(stsChosen ? "MX chosen by MTA-STS enforce" : "MX DNSSEC-secure"), verified certificate required")
        return .success(out)
    }

    /// DANE when the plan has TLSA records, else PKIX (recorded as MTA-STS when only MTA-STS asked for it).
    static func authenticator(_ plan: TLSPlan, mx: String, domain: String, verifier: PKIXVerifier, clock: WallClock)
        -> @Sendable ([[UInt8]]) async -> MailCore.CertificateVerification {
        let names = plan.pkixNames.isEmpty ? [mx] : plan.pkixNames
        let wanted = plan.requirement.authenticatedBy
        let trust: TrustSource = wanted.contains(.mtaSTS) && !wanted.contains(.pkix) ? .mtaSTS : .pkix
        guard plan.daneInForce else { return pkixAuthenticator(verifier, names: names, trust: trust) }
        let records = plan.daneRecords
        return { chain in
            guard !chain.isEmpty else { return .none }
            switch DANEMatcher.match(records, chain: chain, names: [mx, domain], now: clock.now()) {
            case .matched(let source): return .verified(trust: source)
            case .noMatch(let why): return .failed(reason: "DANE: \(why)")
            case .noUsableRecords: return .none
            }
        }
    }

    static func pkixAuthenticator(_ verifier: PKIXVerifier, names: [String], trust: TrustSource)
        -> @Sendable ([[UInt8]]) async -> MailCore.CertificateVerification {
        { chain in await verifier.verify(chain: chain, names: names, trust: trust) }
    }
}
