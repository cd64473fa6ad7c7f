// TLSReportBuilder: one day's SMTP TLS Reports (RFC 8460 §4) from the audit log's attempt records: a
// report per recipient domain, a policy entry per policy seen, sessions counted once each.

import Audit
import Foundation
import MailCore

public struct TLSReportBuilder: Sendable {
    /// `organization-name`: the sending organisation.
    public var organisation: String
    /// `contact-info`: a mailto: URI or address for questions about the reports.
    public var contact: String

    public init(organisation: String, contact: String) {
        self.organisation = organisation; self.contact = contact
    }

    /// The reports for the UTC day that starts at `dayStart`, from `records` (others are ignored), one
    /// per policy domain in name order; `reportID` names each (RFC 8460 §4.4 `report-id`).
    public func reports(day dayStart: Date, records: [AuditRecord],
                        reportID: (_ domain: String) -> String) -> [TLSReport] {
        let dayEnd = dayStart.addingTimeInterval(86_400)
        var sessions: [String: [SessionKey: TLSReportFacts]] = [:]
        for record in records where record.time >= dayStart && record.time < dayEnd {
            guard let attempt = record.event.attempt, let facts = attempt.tlsReport else { continue }
            // One transaction writes a record per recipient: a session is counted once.
            let key = SessionKey(node: record.node, queueID: attempt.queueID.description, attempt: attempt.attempt,
                                 host: attempt.relayHost ?? "", ip: attempt.relayIP ?? "")
            let domain = facts.policyDomain.lowercased()
            // A failure seen in any of the session's records decides it (the handshake before a plaintext retry).
            if let seen = sessions[domain]?[key], !seen.success { continue }
            sessions[domain, default: [:]][key] = facts
        }
        return sessions.keys.sorted().map { domain in
            TLSReport(organisation: organisation, start: dayStart, end: dayEnd, contact: contact, reportID: reportID(domain),
                      policies: Self.policies(sessions[domain] ?? [:]))
        }
    }

    static func policies(_ sessions: [SessionKey: TLSReportFacts]) -> [TLSReport.PolicyResult] {
        var byPolicy: [PolicyKey: TLSReport.PolicyResult] = [:]
        for (key, facts) in sessions {
            let policy = PolicyKey(type: facts.policyType, domain: facts.policyDomain.lowercased(), strings: facts.policyStrings,
                                   mxHost: facts.mxHost)
            var result = byPolicy[policy] ?? TLSReport.PolicyResult(policyType: policy.type, policyDomain: policy.domain,
                                                                     policyStrings: policy.strings, mxHost: policy.mxHost)
            if facts.success {
                result.successCount += 1
            } else {
                result.failureCount += 1
                let type = facts.resultType ?? .validationFailure
                if let n = result.failures.firstIndex(where: {
                    $0.resultType == type && $0.receivingMXHostname == key.host && ($0.receivingIP ?? "") == key.ip
                        && $0.failureReason == facts.failureReason
                }) {
                    result.failures[n].count += 1
                } else {
                    result.failures.append(TLSReport.FailureDetail(resultType: type, receivingMXHostname: key.host,
                                                                   receivingIP: key.ip.isEmpty ? nil : key.ip,
                                                                   failureReason: facts.failureReason, count: 1))
                }
            }
            byPolicy[policy] = result
        }
        return byPolicy.values.map { r in
            var r = r
            r.failures.sort { ($0.resultType.rawValue, $0.receivingMXHostname, $0.receivingIP ?? "") < ($1.resultType.rawValue, $1.receivingMXHostname, $1.receivingIP ?? "") }
            return r
        }.sorted { ($0.policyType.rawValue, $0.policyStrings.joined()) < ($1.policyType.rawValue, $1.policyStrings.joined()) }
    }

    struct SessionKey: Hashable {
        var node: String, queueID: String, attempt: Int, host: String, ip: String
    }

    struct PolicyKey: Hashable {
        var type: TLSReportFacts.PolicyType, domain: String, strings: [String], mxHost: [String]
    }
}
