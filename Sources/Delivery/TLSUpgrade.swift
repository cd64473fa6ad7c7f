// TLSUpgrade: the client side of the TLS handshake after "220 Ready to start TLS", with SNI = the
// MX host name; returns what was measured (observer, NIOSSL, the presented chain) for judging afterwards.

import Foundation
import MailCore
import NIOCore
import NIOSSL
import TLSObserver

enum TLSUpgrade {
    struct Measured {
        var observed: ObservedTLS?
        var version: TLSVersion?
        var leaf: NIOSSLCertificate?
        /// DER, leaf first, as the server sent it.
        var chain: [[UInt8]]

        func facts(_ verification: MailCore.CertificateVerification) -> TLSFacts {
            TLSFactsBuilder.facts(observed: observed, version: version, leaf: leaf, verification: verification)
        }
    }

    /// Throws when the handshake fails; the caller decides between a plaintext retry (`may`) and deferral.
    static func handshake(_ c: SMTPConnection, context: NIOSSLContext, host: String, timeout: TimeInterval) async throws -> Measured {
        let capture = PeerChainCapture()
        let serverName = MailCore.IPAddress(host) == nil ? host : nil
        let (observer, handler) = try await c.startTLS(context: context, serverName: serverName, capture: capture, timeout: timeout)
        return try await c.channel.eventLoop.submit {
            Measured(observed: observer.observed, version: handler.tlsVersion, leaf: capture.leaf, chain: capture.chain)
        }.get()
    }
}
