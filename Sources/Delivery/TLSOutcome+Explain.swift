// The `tls` rung as `policy explain --probe` prints it: what the hop measured and that it meets the
// requirement, or the RungSkip that says why not ("tls: mx1.example.net offered no STARTTLS").

import MailCore

extension TLSOutcome {
    /// "tls: mx1.example.net TLS 1.3, certificate verified (dane-ee): meets the requirement", or,
    /// when the hop falls short, the skip's own line ("tls: TLS 1.1 below the minimum 1.2").
    public var explainLine: String {
        if let skip = unmet { return skip.description }
        return "tls: \(host) \(measuredWords): meets the requirement"
    }

    /// What was measured, in words: "TLS 1.3, certificate verified (pkix)", "offered no STARTTLS, plaintext".
    public var measuredWords: String {
        switch measured {
        case .notAttempted: return "not asked for STARTTLS (level none), plaintext"
        case .noSTARTTLS: return "offered no STARTTLS, plaintext"
        case .handshakeFailed(let reason): return "TLS handshake failed (\(reason)), plaintext"
        case .hopUnusable(let reason): return "not usable (\(reason))"
        case .negotiated(let facts):
            let version = TLSProtocolVersion(text: facts.version).map { "TLS \($0.number)" } ?? "TLS version \(facts.version)"
            return "\(version), \(Self.words(facts.verification))"
        }
    }

    static func words(_ verification: CertificateVerification) -> String {
        switch verification {
        case .verified(let trust): return "certificate verified (\(trust.rawValue))"
        case .failed(let reason): return "certificate not verified (\(reason))"
        case .none: return "certificate not checked"
        }
    }
}
