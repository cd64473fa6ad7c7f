// PeerChain: captures the certificate chain the peer presented during the TLS handshake (NIOSSL's
// custom verification callback) and accepts it: we measure first, and decide after the handshake.

import NIOCore
import NIOSSL

/// Used on the channel's event loop only (the verification callback runs there).
final class PeerChainCapture {
    /// DER, leaf first, as the server sent it.
    private(set) var chain: [[UInt8]] = []
    private(set) var leaf: NIOSSLCertificate?

    func callback(_ certificates: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResult>) {
        leaf = certificates.first
        chain = certificates.compactMap { try? $0.toDERBytes() }
        promise.succeed(.certificateVerified)
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
