// TLSFactsBuilder: turns what was measured on one connection (the observed ServerHello, NIOSSL's
// negotiated version, the peer certificate and how it was verified) into MailCore's TLSFacts.

import Foundation
import MailCore
import NIOSSL
import TLSObserver
import X509

enum TLSFactsBuilder {
    static func facts(observed: ObservedTLS?, version: TLSVersion?, leaf: NIOSSLCertificate?,
                      verification: MailCore.CertificateVerification) -> TLSFacts {
        TLSFacts(version: observed?.version ?? version.map(name) ?? "unknown",
                 cipher: observed?.cipher ?? "unknown",
                 bits: observed?.bits ?? 0,
                 algorithmBits: observed?.algorithmBits ?? 0,
                 verification: verification,
                 peerSubject: leaf.flatMap { commonName($0.subjectName) },
                 peerIssuer: leaf.flatMap { commonName($0.issuerName) })
    }

    static func commonName(_ names: [SSLCertificateName]) -> String? {
        names.last { $0.type == .commonName }?.value
    }

    /// The leaf's notAfter, for the observation store and the probe.
    static func expiry(chain: [[UInt8]]) -> Date? {
        guard let der = chain.first, let cert = try? Certificate(derEncoded: der) else { return nil }
        return cert.notValidAfter
    }

    static func name(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: return "TLSv1"
        case .tlsv11: return "TLSv1.1"
        case .tlsv12: return "TLSv1.2"
        case .tlsv13: return "TLSv1.3"
        }
    }
}
