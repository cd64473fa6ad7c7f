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
