// TLSReportFacts: what one delivery session tells an SMTP TLS Report (RFC 8460 §4.4): the policy that
// applied to the recipient domain (MTA-STS, DANE or none), whether TLS met it, and if not the result type.

public struct TLSReportFacts: Sendable, Codable, Equatable {
    /// RFC 8460 §4.4 `policy-type`.
    public enum PolicyType: String, Sendable, Codable, CaseIterable {
        case sts
        case tlsa
        case noPolicyFound = "no-policy-found"
    }

    /// RFC 8460 §4.3 result types (the failure kinds a report counts).
    public enum ResultType: String, Sendable, Codable, CaseIterable {
        case starttlsNotSupported = "starttls-not-supported"
        case certificateHostMismatch = "certificate-host-mismatch"
        case certificateExpired = "certificate-expired"
        case certificateNotTrusted = "certificate-not-trusted"
        case validationFailure = "validation-failure"
        case tlsaInvalid = "tlsa-invalid"
        case dnssecInvalid = "dnssec-invalid"
        case daneRequired = "dane-required"
        case stsPolicyFetchError = "sts-policy-fetch-error"
        case stsPolicyInvalid = "sts-policy-invalid"
        case stsWebPKIInvalid = "sts-webpki-invalid"
    }

    public var policyType: PolicyType
    /// The recipient domain the policy is for.
    public var policyDomain: String
    /// `policy-string`: the MTA-STS policy's lines, or the TLSA records in presentation form.
    public var policyStrings: [String]
    /// `mx-host`: the MTA-STS policy's MX patterns.
    public var mxHost: [String]
    /// false: a failure session of `resultType`.
    public var success: Bool
    public var resultType: ResultType?
    /// `failure-reason-code`: a short text, never content (a TLS alert, a verification message).
    public var failureReason: String?

    public init(policyType: PolicyType, policyDomain: String, policyStrings: [String] = [], mxHost: [String] = [],
                success: Bool, resultType: ResultType? = nil, failureReason: String? = nil) {
        self.policyType = policyType; self.policyDomain = policyDomain; self.policyStrings = policyStrings
        self.mxHost = mxHost; self.success = success; self.resultType = resultType; self.failureReason = failureReason
    }

    private enum CodingKeys: String, CodingKey {
        case policyType = "policy_type", policyDomain = "policy_domain", policyStrings = "policy_strings"
        case mxHost = "mx_host", success, resultType = "result_type", failureReason = "failure_reason"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        policyType = try c.decode(PolicyType.self, forKey: .policyType)
        policyDomain = try c.decode(String.self, forKey: .policyDomain)
        policyStrings = try c.decodeIfPresent([String].self, forKey: .policyStrings) ?? []
        mxHost = try c.decodeIfPresent([String].self, forKey: .mxHost) ?? []
        success = try c.decode(Bool.self, forKey: .success)
        resultType = try c.decodeIfPresent(ResultType.self, forKey: .resultType)
        failureReason = try c.decodeIfPresent(String.self, forKey: .failureReason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policyType, forKey: .policyType)
        try c.encode(policyDomain, forKey: .policyDomain)
        if !policyStrings.isEmpty { try c.encode(policyStrings, forKey: .policyStrings) }
        if !mxHost.isEmpty { try c.encode(mxHost, forKey: .mxHost) }
        try c.encode(success, forKey: .success)
        try c.encodeIfPresent(resultType, forKey: .resultType)
        try c.encodeIfPresent(failureReason, forKey: .failureReason)
    }
}
