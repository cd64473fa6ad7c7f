// TLSPlanner: turns the configured level, the MX's DNSSEC status, the TLSA answer and the
// MTA-STS policy into one TLSPlan, or into a deferral; it never quietly downgrades.

import DNS
import MailCore

public enum TLSPlanner {
    static let certificateProblem = EnhancedStatus(4, 7, 5)
    static let dnsFailure = EnhancedStatus(4, 4, 3)

    /// The requirement for delivering to `mxHost` (an MX of `domain`) at `level`, given what DNS
    /// and MTA-STS said. A failure means: defer that recipient, never downgrade.
    public static func plan(level: TLSLevel, domain: String, mxHost: String, mxStatus: DNSSECStatus,
                            tlsa: Result<DNSAnswer<TLSARecord>, DNSError>?,
                            mtaSTS: MTASTSPolicy?) -> Result<TLSPlan, DeliveryError> {
        let domain = domain.normalizedDomain, mx = mxHost.normalizedDomain
        guard mxStatus != .bogus else {
            return .failure(DeliveryError(certificateProblem, "MX RRset of \(domain) is DNSSEC-bogus"))
        }
        let base: TLSPlan
        switch levelPlan(level: level, domain: domain, mx: mx, mxStatus: mxStatus, tlsa: tlsa) {
        case .success(let plan): base = plan
        case .failure(let error): return .failure(error)
        }
        return applyMTASTS(mtaSTS, to: base, mx: mx)
    }

    /// Whether a TLSA lookup is needed: only for dane/dane-only, and only with a secure MX RRset.
    public static func wantsTLSA(level: TLSLevel, mxStatus: DNSSECStatus) -> Bool {
        (level == .dane || level == .daneOnly) && mxStatus == .secure
    }

    /// The plan the configured level alone gives.
    static func levelPlan(level: TLSLevel, domain: String, mx: String, mxStatus: DNSSECStatus,
                          tlsa: Result<DNSAnswer<TLSARecord>, DNSError>?) -> Result<TLSPlan, DeliveryError> {
        switch level {
        case .none:
            return .success(TLSPlan(requirement: .opportunistic, notes: ["level none: no TLS"]))
        case .may:
            return .success(TLSPlan(requirement: .opportunistic, notes: ["level may: TLS if offered"]))
        case .encrypt:
            return .success(TLSPlan(requirement: TLSRequirement(encrypted: true), notes: ["level encrypt: TLS required, unauthenticated"]))
        case .verify:
            return .success(TLSPlan(requirement: TLSRequirement(encrypted: true, authenticatedBy: [.pkix]),
                                    pkixNames: [mx], notes: ["level verify: PKIX with the MX name \(mx)"]))
        case .secure:
            // The MX name is only a trustworthy reference identifier when DNSSEC vouches for it.
            let names = mxStatus == .secure && mx != domain ? [domain, mx] : [domain]
            return .success(TLSPlan(requirement: TLSRequirement(encrypted: true, authenticatedBy: [.pkix]),
                                    pkixNames: names, notes: ["level secure: PKIX with \(names.joined(separator: " or "))"]))
        case .dane, .daneOnly:
            return danePlan(only: level == .daneOnly, mx: mx, mxStatus: mxStatus, tlsa: tlsa)
        }
    }
}
