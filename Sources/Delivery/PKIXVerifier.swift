// PKIXVerifier: validates a presented chain against the system roots plus an extra CA file with
// swift-certificates (RFC 5280), then checks that the leaf names one of the expected hosts.

import Foundation
import MailCore
import NIOSSL
import TLSPolicy
import X509

public final class PKIXVerifier: Sendable {
    private let roots: CertificateStore

    /// Loads PEM bundles; unreadable files are skipped (then nothing from them is trusted).
    public init(systemCAFile: String?, extraCAFile: String?) {
        var certificates: [Certificate] = []
        for path in [systemCAFile, extraCAFile].compactMap({ $0 }) {
            guard let pem = try? NIOSSLCertificate.fromPEMFile(path) else { continue }
            for cert in pem {
                if let der = try? cert.toDERBytes(), let parsed = try? Certificate(derEncoded: der) { certificates.append(parsed) }
            }
        }
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
