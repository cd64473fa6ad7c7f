// TLSPlanner, the MTA-STS half (RFC 8461 §4–5): an enforce policy limits the MX hosts and
// demands a PKIX certificate for the MX name, whatever the level; DANE, where in force, wins.

import MailCore

extension TLSPlanner {
    static func applyMTASTS(_ policy: MTASTSPolicy?, to base: TLSPlan, mx: String) -> Result<TLSPlan, DeliveryError> {
        guard let policy, policy.mode != .none else { return .success(base) }
        var plan = base
        if plan.daneInForce {
            plan.notes.append("MTA-STS \(policy.mode.rawValue) not applied: DANE is in force")
            return .success(plan)
        }
        plan.mtaSTS = policy
        let allowed = policy.allows(mxHost: mx)
        switch policy.mode {
        case .testing:
            plan.notes.append("MTA-STS testing: MX \(mx) \(allowed ? "matches" : "does not match") the policy (report only)")
        case .enforce:
            guard allowed else {
                return .failure(DeliveryError(certificateProblem, "MX \(mx) not allowed by MTA-STS policy"))
            }
            // A PKIX chain with the MX name; a level that already asked for PKIX keeps it as an
            // accepted label, because both mean the same check on the wire.
            var trust: Set<TrustSource> = [.mtaSTS]
            if plan.requirement.authenticatedBy.contains(.pkix) { trust.insert(.pkix) }
            plan.requirement = TLSRequirement(encrypted: true, authenticatedBy: trust,
                                              minimumVersion: plan.requirement.minimumVersion)
            if !plan.pkixNames.contains(mx) { plan.pkixNames.append(mx) }
            plan.notes.append("MTA-STS enforce: MX \(mx) allowed, PKIX with the MX name required")
        case .none:
            break
        }
        return .success(plan)
    }
}
