// ProbeReport: what `sealgate probe DOMAIN` found, as Codable values: the MX hosts and their
// DNSSEC status, TLSA records and whether they match, MTA-STS, each MX's STARTTLS result and verdict.

import Foundation

public struct ProbeReport: Codable, Sendable {
    public var domain: String
    /// The configured level for the domain (`delivery.tls`).
    public var level: String
    /// DNSSEC status of the MX answer, or nil when the lookup failed.
    public var mxDNSSEC: String?
    /// Set when MX resolution failed or the domain takes no mail (null MX, NXDOMAIN).
    public var mxFailure: String?
    public var mtaSTS: ProbeMTASTS?
    public var hosts: [ProbeHost]
}

public struct ProbeMTASTS: Codable, Sendable {
    /// "enforce", "testing", "none"; nil when there is no policy or the lookup failed.
    public var mode: String?
    public var mx: [String]
    public var maxAge: Int?
    public var failure: String?
}

public struct ProbeTLSA: Codable, Sendable {
    public var usage: Int
    public var selector: Int
    public var matchingType: Int
    /// Hex, shortened to 64 characters for long (Full) data.
    public var data: String
    /// Whether this record alone matches the chain the MX presented (nil: no chain seen).
    public var match: Bool?
}

public struct ProbeHost: Codable, Sendable {
    public var host: String
    public var preference: Int
    public var addresses: [String]
    public var addressFailure: String?
    public var tlsa: [ProbeTLSA]
    public var tlsaStatus: String?
    /// "dane-ee", "dane-ta", "no match: …", "no usable records", or nil when no TLSA applies.
    public var daneResult: String?
    /// The requirement the configured level gives for this MX, or why there is no plan (a deferral).
    public var requirement: String?
    public var planFailure: String?
    public var notes: [String]
    public var starttls: ProbeTLS?
    /// Whether this MX meets the requirement, and why not.
    public var meetsRequirement: Bool?
    public var unmetReason: String?
}

public struct ProbeTLS: Codable, Sendable {
    public var address: String
    public var port: Int
    /// nil: could not connect or no EHLO (see `failure`).
    public var offered: Bool?
    public var version: String?
    public var cipher: String?
    public var bits: Int?
    public var subject: String?
    public var issuer: String?
    /// "OK", "FAIL", "NONE".
    public var verify: String?
    public var trust: String?
    public var verifyReason: String?
    public var daysUntilExpiry: Int?
    public var failure: String?
}
