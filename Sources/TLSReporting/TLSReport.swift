// TLSReport: one RFC 8460 §4.4 report (a recipient domain, one day) and its JSON, with the field names
// and nesting of the RFC's schema; the mail around it is TLSReportMail's.

import Foundation
import MailCore

public struct TLSReport: Sendable, Equatable {
    public struct FailureDetail: Sendable, Equatable {
        public var resultType: TLSReportFacts.ResultType
        public var receivingMXHostname: String
        public var receivingIP: String?
        public var failureReason: String?
        public var count: Int

        public init(resultType: TLSReportFacts.ResultType, receivingMXHostname: String, receivingIP: String?,
                    failureReason: String?, count: Int) {
            self.resultType = resultType; self.receivingMXHostname = receivingMXHostname; self.receivingIP = receivingIP
            self.failureReason = failureReason; self.count = count
        }
    }

    public struct PolicyResult: Sendable, Equatable {
        public var policyType: TLSReportFacts.PolicyType
        public var policyDomain: String
        public var policyStrings: [String]
        public var mxHost: [String]
        public var successCount = 0
        public var failureCount = 0
        public var failures: [FailureDetail] = []

        public init(policyType: TLSReportFacts.PolicyType, policyDomain: String, policyStrings: [String], mxHost: [String]) {
            self.policyType = policyType; self.policyDomain = policyDomain; self.policyStrings = policyStrings; self.mxHost = mxHost
        }
    }

    public var organisation: String
    public var start: Date
    /// The end of the range, exclusive (written as the last second, as the RFC's example does).
    public var end: Date
    public var contact: String
    public var reportID: String
    public var policies: [PolicyResult]

    public init(organisation: String, start: Date, end: Date, contact: String, reportID: String, policies: [PolicyResult]) {
        self.organisation = organisation; self.start = start; self.end = end; self.contact = contact
        self.reportID = reportID; self.policies = policies
    }

    /// The domain this report is for (every policy entry names it).
    public var policyDomain: String { policies.first?.policyDomain ?? "" }

    /// The report as RFC 8460 JSON (keys sorted, so equal reports are equal bytes).
    public func json() throws -> [UInt8] {
        let object: [String: Any] = [
            "organization-name": organisation,
            "date-range": ["start-datetime": Self.timestamp(start), "end-datetime": Self.timestamp(end.addingTimeInterval(-1))],
            "contact-info": contact,
            "report-id": reportID,
            "policies": policies.map(Self.policyObject),
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    static func policyObject(_ p: PolicyResult) -> [String: Any] {
        var policy: [String: Any] = ["policy-type": p.policyType.rawValue, "policy-domain": p.policyDomain]
        if !p.policyStrings.isEmpty { policy["policy-string"] = p.policyStrings }
        if !p.mxHost.isEmpty { policy["mx-host"] = p.mxHost }
        var out: [String: Any] = [
            "policy": policy,
            "summary": ["total-successful-session-count": p.successCount, "total-failure-session-count": p.failureCount],
        ]
        if !p.failures.isEmpty {
            out["failure-details"] = p.failures.map { f -> [String: Any] in
                var d: [String: Any] = ["result-type": f.resultType.rawValue, "receiving-mx-hostname": f.receivingMXHostname,
                                        "failed-session-count": f.count]
                if let ip = f.receivingIP { d["receiving-ip"] = ip }
                if let reason = f.failureReason { d["failure-reason-code"] = reason }
                return d
            }
        }
        return out
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
