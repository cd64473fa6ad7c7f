// PKIXVerifier: validates a presented chain against the system roots plus an extra CA file with
// swift-certificates (RFC 5280), then checks that the leaf names one of the expected hosts.

import Foundation
import MailCore
import X509

public final class PKIXVerifier: Sendable {
    private let roots: CertificateStore

    /// Trusts the system bundle and the configured extra CA file. The extra file is the operator's:
    /// unreadable, empty or without a certificate, it throws `CAFile.LoadError` (a mistyped
    /// `ca_file` must stop the daemon, not show up later as deferrals). The system bundle is the
    /// distribution's: when it is absent or unusable, only the extra file is trusted.
    public init(systemCAFile: String?, extraCAFile: String?) throws {
        var certificates = systemCAFile.flatMap { try? CAFile.load($0) } ?? []
        if let extraCAFile { certificates += try CAFile.load(extraCAFile) }
        roots = CertificateStore(certificates)
    }

    /// `.verified(trust)` when the chain reaches a root and the leaf names one of `names` (an IP
    /// address is matched against IP SANs); `.failed(reason)` otherwise; `.none` with no certificate.
    public func verify(chain: [[UInt8]], names: [String], trust: TrustSource = .pkix) async
        -> MailCore.CertificateVerification {
        guard let leafDER = chain.first else { return .none }
        guard let leaf = try? Certificate(derEncoded: leafDER) else { return .failed(reason: "unparsable peer certificate") }
        let intermediates = CertificateStore(chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) })
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy() }
        switch await verifier.validate(leaf: leaf, intermediates: intermediates) {
        case .validCertificate:
            break
        case .couldNotValidate(let failures):
            let why = failures.first.map { "\($0.policyFailureReason)" } ?? "no path to a trusted root"
            return .failed(reason: "untrusted certificate chain: \(why)")
        }
        guard names.contains(where: { PKIXVerifier.leaf(leaf, der: leafDER, names: $0) }) else {
            return .failed(reason: "certificate name mismatch")
        }
        return .verified(trust: trust)
    }

    static func leaf(_ leaf: Certificate, der: [UInt8], names name: String) -> Bool {
        if let ip = MailCore.IPAddress(name) {
            guard let sans = try? leaf.extensions.subjectAlternativeNames else { return false }
            return sans.contains { general in
                if case .ipAddress(let bytes) = general { return Array(bytes.bytes) == ip.bytes }
                return false
            }
        }
        return PKIXNameMatcher.matches(certificate: leaf, name: name)
    }
}
