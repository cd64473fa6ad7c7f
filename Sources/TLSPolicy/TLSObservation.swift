// TLSObservation: the best TLS an MX of a domain has shown us, and when. Stored per domain by
// TLSObservationStore; read by `sealgate probe` and by the optional no-downgrade ratchet.

import Foundation
import MailCore

public struct TLSObservation: Sendable, Codable, Equatable {
    public var domain: String
    public var mxHost: String
    /// "TLSv1.3"; nil when the connection was plaintext.
    public var bestVersion: String?
    public var cipher: String?
    /// "OK", "FAIL" or "NONE" (CertificateVerification.word).
    public var verification: String
    /// The trust source that verified the peer ("dane-ee", "pkix", ...), when verification is OK.
    public var trust: String?
    public var lastSeen: Date
    public var certificateExpires: Date?

    public init(domain: String, mxHost: String, bestVersion: String?, cipher: String?, verification: String,
                trust: String?, lastSeen: Date, certificateExpires: Date?) {
        self.domain = domain; self.mxHost = mxHost; self.bestVersion = bestVersion; self.cipher = cipher
        self.verification = verification; self.trust = trust; self.lastSeen = lastSeen
        self.certificateExpires = certificateExpires
    }

    /// What one connection showed (nil facts = plaintext).
    public init(domain: String, mxHost: String, facts: TLSFacts?, certificateExpires: Date?, seen: Date) {
        var trust: String?
        if case .verified(let source)? = facts?.verification { trust = source.rawValue }
        self.init(domain: domain, mxHost: mxHost, bestVersion: facts?.version, cipher: facts?.cipher,
                  verification: facts?.verification.word ?? "NONE", trust: trust, lastSeen: seen,
                  certificateExpires: certificateExpires)
    }

    /// Whether the peer's certificate was verified on that connection.
    public var isVerified: Bool { bestVersion != nil && verification == "OK" && trust != nil }

    /// Orders observations: plaintext < encrypted < verified, then by protocol version.
    public var strength: (Int, Int) {
        guard let bestVersion else { return (0, 0) }
        let version = TLSProtocolVersion(text: bestVersion).flatMap { TLSProtocolVersion.allCases.firstIndex(of: $0) } ?? 0
        return (isVerified ? 2 : 1, version)
    }

    /// The requirement this observation proves the MX can meet: encrypted, the same family of
    /// trust (DANE-EE/DANE-TA, or PKIX/MTA-STS), and at least the same version. Nil if unverified.
    var provenRequirement: TLSRequirement? {
        guard isVerified, let trust, let source = TrustSource(rawValue: trust) else { return nil }
        let family: Set<TrustSource>
        switch source {
        case .daneEE, .daneTA: family = [.daneEE, .daneTA]
        case .pkix, .mtaSTS: family = [.pkix, .mtaSTS]
        case .none: return nil
        }
        return TLSRequirement(encrypted: true, authenticatedBy: family,
                              minimumVersion: bestVersion.flatMap { TLSProtocolVersion(text: $0) })
    }
}
