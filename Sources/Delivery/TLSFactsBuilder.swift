// TLSFactsBuilder: turns what was measured on one connection (the observed ServerHello, NIOSSL's
// negotiated version, the peer certificate and its recorded verification) into MailCore's TLSFacts.

import MailCore
import NIOSSL
import TLSObserver

enum TLSFactsBuilder {
    static func facts(observed: ObservedTLS?, version: TLSVersion?, leaf: NIOSSLCertificate?,
                      recorder: CertificateRecorder, host: String) -> TLSFacts {
        TLSFacts(version: observed?.version ?? version.map(name) ?? "unknown",
                 cipher: observed?.cipher ?? "unknown",
                 bits: observed?.bits ?? 0,
                 algorithmBits: observed?.algorithmBits ?? 0,
                 verification: recorder.verification(leaf: leaf, host: host),
                 peerSubject: leaf.flatMap { CertificateRecorder.commonName($0.subjectName) },
                 peerIssuer: leaf.flatMap { CertificateRecorder.commonName($0.issuerName) })
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
