// TLSFacts: what was actually negotiated on one TLS connection, inbound or outbound. These are
// measured, never configured values: the audit record and the Received header are built from them.

public struct TLSFacts: Hashable, Sendable, Codable {
    /// "TLSv1.2", "TLSv1.3".
    public var version: String
    /// IANA/OpenSSL-style suite name, e.g. "TLS_AES_256_GCM_SHA384" or "ECDHE-RSA-AES256-GCM-SHA384".
    public var cipher: String
    /// Effective key bits and algorithm key bits (Postfix's "(256/256 bits)").
    public var bits: Int
    public var algorithmBits: Int
    /// How the peer's certificate was checked.
    public var verification: CertificateVerification
    /// Subject CN and issuer CN of the peer certificate, when one was presented.
    public var peerSubject: String?
    public var peerIssuer: String?

    public init(version: String, cipher: String, bits: Int, algorithmBits: Int,
                verification: CertificateVerification = .none, peerSubject: String? = nil, peerIssuer: String? = nil) {
        self.version = version; self.cipher = cipher; self.bits = bits; self.algorithmBits = algorithmBits
        self.verification = verification; self.peerSubject = peerSubject; self.peerIssuer = peerIssuer
    }

    /// Postfix's Received-header clause: `using TLSv1.3 with cipher X (256/256 bits)`.
    public var usingClause: String { "using \(version) with cipher \(cipher) (\(bits)/\(algorithmBits) bits)" }
}

/// The result of checking a peer certificate, and the source of trust that decided it.
public enum CertificateVerification: Hashable, Sendable, Codable {
    /// No certificate was requested or none was presented.
    case none
    case verified(trust: TrustSource)
    case failed(reason: String)

    public var word: String {
        switch self {
        case .none: return "NONE"
        case .verified: return "OK"
        case .failed: return "FAIL"
        }
    }
}

public enum TrustSource: String, Hashable, Sendable, Codable {
    case daneTA = "dane-ta", daneEE = "dane-ee", mtaSTS = "mta-sts", pkix, none
}
