// TLSOutcome: what one hop measured against its TLS requirement, for the ladder's `tls` rung.
// The verdict is TLSRequirement's alone; this file only names the reason as a typed RungSkip.

import MailCore

/// Built by the delivery loop from what it already has: `HopPlanning.policy` failing gives
/// `.hopUnusable`, an EHLO without STARTTLS `.noSTARTTLS`, a refused or failed handshake
/// `.handshakeFailed`, and `AttemptReport.tls` after the handshake `.negotiated`.
public struct TLSOutcome: Sendable, Hashable {
    public enum Measurement: Sendable, Hashable {
        /// STARTTLS was never attempted (level `none`): the session stayed plaintext.
        case notAttempted
        /// The host's EHLO did not offer STARTTLS.
        case noSTARTTLS
        /// STARTTLS was refused or the handshake failed.
        case handshakeFailed(reason: String)
        /// The hop could not be planned: DANE (bogus or unusable TLSA) or MTA-STS (MX not listed).
        case hopUnusable(reason: String)
        /// The handshake completed; the facts as measured (version, verification).
        case negotiated(TLSFacts)
    }

    public var host: String
    /// The hop's requirement (destination level raised by policy's floor and the ratchet).
    public var requirement: TLSRequirement
    /// RFC 8689 REQUIRETLS applies: plaintext is never acceptable.
    public var requireTLS: Bool
    public var measured: Measurement

    public init(host: String, requirement: TLSRequirement, requireTLS: Bool = false, measured: Measurement) {
        self.host = host; self.requirement = requirement; self.requireTLS = requireTLS; self.measured = measured
    }

    /// Must the session be encrypted at all.
    var needsEncryption: Bool { requirement.encrypted || requireTLS }

    /// nil when the hop meets the requirement; otherwise why the `tls` rung is skipped.
    public var unmet: RungSkip? {
        switch measured {
        case .hopUnusable(let reason):
            return .trustMismatch(host: host, reason: reason)
        case .notAttempted:
            return needsEncryption ? .requirementUnmet(host: host, reason: "TLS required but the connection was not encrypted") : nil
        case .noSTARTTLS:
            return needsEncryption ? .noSTARTTLS(host: host) : nil
        case .handshakeFailed(let reason):
            return needsEncryption ? .handshakeFailed(host: host, reason: reason) : nil
        case .negotiated(let facts):
            guard let why = requirement.unmetReason(facts) else { return nil }
            return named(facts) ?? .requirementUnmet(host: host, reason: why)
        }
    }

    public var meetsRequirement: Bool { unmet == nil }

    /// The typed reason, in TLSRequirement.unmetReason's order (version first, then authentication).
    private func named(_ facts: TLSFacts) -> RungSkip? {
        if let minimum = requirement.minimumVersion {
            guard let seen = TLSProtocolVersion(text: facts.version) else {
                return .versionUnknown(seen: facts.version, minimum: minimum)
            }
            if seen < minimum { return .versionBelowMinimum(seen: seen, minimum: minimum) }
        }
        guard !requirement.authenticatedBy.isEmpty else { return nil }
        switch facts.verification {
        case .failed(let reason) where reason.hasPrefix("DANE"):
            return .trustMismatch(host: host, reason: reason)
        case .failed(let reason):
            return .certificateNotVerified(reason: reason)
        case .none:
            return .certificateNotVerified(reason: "no certificate checked")
        case .verified(let trust):
            let accepted = requirement.authenticatedBy.map(\.rawValue).sorted().joined(separator: ", ")
            return .trustMismatch(host: host, reason: "authenticated by \(trust.rawValue), the requirement accepts only \(accepted)")
        }
    }
}
