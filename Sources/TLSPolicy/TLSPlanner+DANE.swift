// TLSPlanner, the DANE half (RFC 7672 §2.2): TLSA records count only under a secure MX RRset and
// a secure TLSA RRset; failed or bogus lookups defer; `dane` falls back to `may`, `dane-only` fails.

import DNS
import MailCore

extension TLSPlanner {
    static func danePlan(only: Bool, mx: String, mxStatus: DNSSECStatus,
                         tlsa: Result<DNSAnswer<TLSARecord>, DNSError>?) -> Result<TLSPlan, DeliveryError> {
        let level = only ? "dane-only" : "dane"
        /// No DANE for this MX: `dane` is opportunistic, `dane-only` defers.
        func withoutDANE(_ why: String) -> Result<TLSPlan, DeliveryError> {
            if only { return .failure(DeliveryError(certificateProblem, "\(level): \(why)")) }
            return .success(TLSPlan(requirement: .opportunistic, notes: ["\(why): level dane falls back to may"]))
        }
        guard mxStatus == .secure else { return withoutDANE("MX RRset not DNSSEC-secure (\(mxStatus.rawValue))") }
        let tlsaName = "_25._tcp.\(mx)"
        let answer: DNSAnswer<TLSARecord>
        switch tlsa {
        case nil:
            return .failure(DeliveryError(dnsFailure, "\(level): TLSA for \(tlsaName) was not looked up"))
        case .failure(.bogus(let why))?:
            return .failure(DeliveryError(certificateProblem, "TLSA lookup for \(tlsaName) is DNSSEC-bogus: \(why)"))
        case .failure(let error)?:
            return .failure(DeliveryError(dnsFailure, "TLSA lookup for \(tlsaName) failed: \(error)"))
        case .success(let a)?:
            answer = a
        }
        switch answer.status {
        case .bogus:
            return .failure(DeliveryError(certificateProblem, "TLSA RRset \(tlsaName) is DNSSEC-bogus"))
        case .insecure, .indeterminate:
            return withoutDANE("TLSA RRset \(tlsaName) not DNSSEC-secure (\(answer.status.rawValue))")
        case .secure:
            break
        }
        guard !answer.records.isEmpty else { return withoutDANE("MX secure, no TLSA records at \(tlsaName)") }
        let usable = answer.records.filter(TLSAAssociation.isUsable)
        guard !usable.isEmpty else {
            // RFC 7672 §2.2: records present but unusable still make TLS mandatory.
            if only {
                return .failure(DeliveryError(certificateProblem, "dane-only: \(answer.records.count) TLSA at \(tlsaName), none usable"))
            }
            return .success(TLSPlan(requirement: TLSRequirement(encrypted: true),
                                    notes: ["MX secure, \(answer.records.count) TLSA, none usable: TLS required, unauthenticated"]))
        }
        let kinds = Set(usable.map { $0.usage == 3 ? "DANE-EE" : "DANE-TA" }).sorted().joined(separator: ", ")
        return .success(TLSPlan(requirement: TLSRequirement(encrypted: true, authenticatedBy: [.daneEE, .daneTA]),
                                daneRecords: usable,
                                notes: ["MX secure, \(usable.count) usable TLSA (\(kinds))"]))
    }
}
