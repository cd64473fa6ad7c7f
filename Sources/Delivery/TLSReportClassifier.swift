// TLSReportClassifier: turns a hop's TLS plan and one session's report into RFC 8460 facts for the
// attempt's audit record (policy type and strings, success, result type); TLSReporting sums them.

import DNS
import Foundation
import MailCore
import TLSPolicy

/// The policy half of a session's TLS-RPT facts, known once the hop is planned.
struct TLSReportPolicy: Sendable, Equatable {
    var type: TLSReportFacts.PolicyType
    var domain: String
    var strings: [String] = []
    var mxHost: [String] = []
    /// STARTTLS was tried (level above `none`): a plaintext session then counts as a failure.
    var attempted = true
    /// Set when the hop could not be planned (bogus TLSA, an MX the MTA-STS policy does not list): why.
    var unplanned: String?
}

enum TLSReportClassifier {
    /// The policy that applied to one MX: DANE in force, else an MTA-STS policy, else none found.
    static func policy(_ plan: TLSPlan, domain: String, mx: String, attempted: Bool) -> TLSReportPolicy {
        if plan.daneInForce {
            return TLSReportPolicy(type: .tlsa, domain: domain, strings: plan.daneRecords.map(presentation), attempted: attempted)
        }
        if let sts = plan.mtaSTS {
            return stsPolicy(sts, domain: domain, attempted: attempted)
        }
        return TLSReportPolicy(type: .noPolicyFound, domain: domain, attempted: attempted)
    }

    /// RFC 8460 §4.4's `policy-string` of an MTA-STS policy: its lines as RFC 8461 §3.2 writes them.
    static func stsPolicy(_ sts: MTASTSPolicy, domain: String, attempted: Bool = true) -> TLSReportPolicy {
        let lines = ["version: STSv1", "mode: \(sts.mode.rawValue)"] + sts.mx.map { "mx: \($0)" } + ["max_age: \(sts.maxAge)"]
        return TLSReportPolicy(type: .sts, domain: domain, strings: lines, mxHost: sts.mx, attempted: attempted)
    }

    /// "3 1 1 HEX", the TLSA record's presentation form (RFC 6698 §2.2).
    static func presentation(_ record: TLSARecord) -> String {
        "\(record.usage) \(record.selector) \(record.matchingType) " + record.data.map { String(format: "%02X", $0) }.joined()
    }

    /// The policy for a hop that could not be planned (no connection): MTA-STS when the failure is the
    /// domain's policy's, DANE when it is the TLSA records' (or DNSSEC's); nil for anything else (REQUIRETLS,
    /// DNS trouble): no TLS policy failed, so the report says nothing of it.
    static func unplannedPolicy(domain: String, mtaSTS: MTASTSPolicy?, reason: String) -> TLSReportPolicy? {
        var policy: TLSReportPolicy
        if let mtaSTS, reason.contains("MTA-STS") {
            policy = stsPolicy(mtaSTS, domain: domain)
        } else if reason.contains("TLSA") || reason.contains("DNSSEC-bogus") || reason.contains("dane") {
            policy = TLSReportPolicy(type: .tlsa, domain: domain)
        } else {
            return nil
        }
        policy.unplanned = reason
        return policy
    }

    /// The facts of one session, or nil when it says nothing about TLS (no policy recorded, or the
    /// connection ended before the server could offer STARTTLS).
    static func facts(_ report: AttemptReport) -> TLSReportFacts? {
        guard let policy = report.tlsReportPolicy else { return nil }
        func make(_ success: Bool, _ type: TLSReportFacts.ResultType? = nil, _ reason: String? = nil) -> TLSReportFacts {
            TLSReportFacts(policyType: policy.type, policyDomain: policy.domain, policyStrings: policy.strings,
                           mxHost: policy.mxHost, success: success, resultType: type, failureReason: reason.map(shortReason))
        }
        if let reason = policy.unplanned {
            let (type, text) = result(.hopUnusable(reason: reason), policy: policy.type)
            return make(false, type, text)
        }
        if let shortfall = report.tlsShortfall {
            let (type, reason) = result(shortfall.measured, policy: policy.type)
            return make(false, type, reason)
        }
        if let why = report.tlsFallbackReason { return make(false, .validationFailure, why) }
        if let tls = report.tls {
            // MTA-STS `testing` does not enforce, but its report still counts a certificate that failed.
            if case .failed = tls.verification, policy.type != .noPolicyFound {
                let (type, reason) = result(.negotiated(tls), policy: policy.type)
                return make(false, type, reason)
            }
            return make(true)
        }
        // Plaintext: a failure only when STARTTLS was tried and the server answered (it did not offer it).
        guard policy.attempted, report.results.contains(where: { $0.reply != nil }) else { return nil }
        return make(false, .starttlsNotSupported)
    }

    /// The result type of a TLS shortfall (RFC 8460 §4.3), and the text behind it.
    static func result(_ measured: TLSOutcome.Measurement, policy: TLSReportFacts.PolicyType)
        -> (TLSReportFacts.ResultType, String?) {
        switch measured {
        case .notAttempted, .noSTARTTLS:
            return (.starttlsNotSupported, nil)
        case .handshakeFailed(let reason):
            return (.validationFailure, reason)
        case .hopUnusable(let reason):
            if reason.contains("DNSSEC-bogus") { return (.dnssecInvalid, reason) }
            if reason.contains("TLSA") { return (.tlsaInvalid, reason) }
            return (.validationFailure, reason)
        case .negotiated(let facts):
            guard case .failed(let reason) = facts.verification else { return (.validationFailure, "requirement not met") }
            let lower = reason.lowercased()
            if lower.contains("expired") || lower.contains("not yet valid") { return (.certificateExpired, reason) }
            if lower.hasPrefix("dane") { return (.validationFailure, reason) }
            if lower.contains("name") || lower.contains("host") { return (policy == .sts ? .stsWebPKIInvalid : .certificateHostMismatch, reason) }
            return (policy == .sts ? .stsWebPKIInvalid : .certificateNotTrusted, reason)
        }
    }

    /// One line of at most 200 characters.
    static func shortReason(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= 200 ? line : String(line.prefix(200))
    }
}
