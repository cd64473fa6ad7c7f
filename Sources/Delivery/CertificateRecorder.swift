// CertificateRecorder: at TLS level `may` the peer's certificate is checked but not enforced.
// It records BoringSSL's per-certificate preverify result and whether the leaf names the host.

import MailCore
import NIOSSL

/// Used on the channel's event loop only (the verification callback runs there).
final class CertificateRecorder {
    private(set) var chainVerified = true
    private(set) var sawCertificate = false
    private(set) var firstFailureDepthHint: String?

    /// The NIOSSL verification callback: remember the result, accept the certificate anyway.
    func callback(_ result: NIOSSLVerificationResult, _ certificate: NIOSSLCertificate) -> NIOSSLVerificationResult {
        sawCertificate = true
        if case .failed = result, chainVerified {
            chainVerified = false
            firstFailureDepthHint = CertificateRecorder.commonName(certificate.subjectName)
        }
        return .certificateVerified
    }

    /// The verification outcome for the audit: PKIX-verified only if the chain verified AND the
    /// leaf carries the host name (or IP) we connected to.
    func verification(leaf: NIOSSLCertificate?, host: String) -> MailCore.CertificateVerification {
        guard sawCertificate, let leaf else { return .none }
        guard chainVerified else {
            return .failed(reason: "untrusted certificate chain" + (firstFailureDepthHint.map { " (at \($0))" } ?? ""))
        }
        guard CertificateRecorder.leaf(leaf, matches: host) else { return .failed(reason: "certificate name mismatch") }
        return .verified(trust: .pkix)
    }

    static func commonName(_ names: [SSLCertificateName]) -> String? {
        names.last { $0.type == .commonName }?.value
    }

    static func leaf(_ cert: NIOSSLCertificate, matches host: String) -> Bool {
        let sans = cert._subjectAlternativeNames()
        var dnsNames: [String] = []
        var ips: [[UInt8]] = []
        for san in sans {
            switch san.nameType {
            case .dnsName: dnsNames.append(String(decoding: san.contents, as: UTF8.self))
            case .ipAddress: ips.append(Array(san.contents))
            default: break
            }
        }
        if let ip = MailCore.IPAddress(host) { return ips.contains(ip.bytes) }
        // RFC 6125: the CN is consulted only when there is no DNS SAN.
        if dnsNames.isEmpty, let cn = commonName(cert.subjectName) { dnsNames = [cn] }
        return dnsNames.contains { HostNameMatch.matches(pattern: $0, host: host) }
    }
}

/// RFC 6125 §6.4 name matching with a wildcard allowed only as the whole leftmost label.
enum HostNameMatch {
    static func matches(pattern: String, host: String) -> Bool {
        func normalise(_ s: String) -> [Substring] {
            var t = s.lowercased()
            if t.hasSuffix(".") { t.removeLast() }
            return t.split(separator: ".", omittingEmptySubsequences: false)
        }
        let p = normalise(pattern), h = normalise(host)
        guard p.count == h.count, !p.isEmpty, !p.contains(where: \.isEmpty) else { return false }
        if p[0] == "*" {
            return p.count >= 3 && Array(p.dropFirst()) == Array(h.dropFirst())
        }
        return p == h
    }
}
