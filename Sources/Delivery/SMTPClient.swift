// SMTPClient: delivers one group of recipients to one next hop in one SMTP transaction. STARTTLS is
// measured, then checked against the hop's requirement; only at `may` is a failed handshake retried in plaintext.

import Foundation
import Logging
import MailCore
import NIOCore
import NIOSSL
import TLSPolicy

public final class SMTPClient: @unchecked Sendable {
    let settings: DeliverySettings
    let group: EventLoopGroup
    let logger: Logger
    /// nil when the TLS context could not be built (then STARTTLS is never attempted).
    let tlsContext: NIOSSLContext?
    /// PKIX validation of peer chains: system roots plus the extra CA file.
    public let pkix: PKIXVerifier
    /// Sessions kept open briefly for the next message to the same hop: as many per hop as can
    /// be in use at once, so a steady stream to one hop never closes and reopens sessions.
    let connections: ConnectionCache
    /// The time the outbound signer stamps (the queue manager's injected clock).
    let clock: WallClock

    /// Throws `CAFile.LoadError` when `settings.extraCAFile` is set but unusable.
    public init(settings: DeliverySettings, group: EventLoopGroup, logger: Logger, clock: WallClock) throws {
        self.settings = settings
        self.clock = clock
        self.group = group
        self.logger = logger
        self.connections = ConnectionCache(maxPerKey: settings.maxConcurrent)
        self.pkix = try PKIXVerifier(systemCAFile: settings.systemCAFile, extraCAFile: settings.extraCAFile)
        do {
            tlsContext = try SMTPClient.makeTLSContext()
        } catch {
            logger.error("cannot set up outbound TLS: \(error)")
            tlsContext = nil
        }
    }

    /// Any version the library allows; the peer's chain is captured by the custom verification
    /// callback and judged after the handshake (PKIXVerifier, DANE), never by NIOSSL itself.
    static func makeTLSContext() throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv1
        config.certificateVerification = .noHostnameVerification
        return try NIOSSLContext(configuration: config)
    }

    /// Smarthost delivery (foundation behaviour): opportunistic TLS, verification recorded, not enforced.
    /// Never throws: every failure becomes a per-recipient result.
    public func deliver(envelope: Envelope, recipients: [(index: Int, spec: RecipientSpec)], message: [UInt8]) async -> AttemptReport {
        let host = settings.smarthostHost ?? "127.0.0.1"
        let hop = Hop(host: host, address: host, port: settings.smarthostPort)
        let tls = HopTLSPolicy.opportunistic(attempt: settings.startTLS, verifier: pkix, names: [host])
        return await deliver(envelope: envelope, recipients: recipients, message: message, hop: hop, tls: tls).report
    }

    /// One transaction to `hop` under `tls`; at `may` a failed handshake is retried once in plaintext.
    func deliver(envelope: Envelope, recipients: [(index: Int, spec: RecipientSpec)], message: [UInt8],
                 hop: Hop, tls: HopTLSPolicy) async -> OutboundTransaction.Outcome {
        let transaction = OutboundTransaction(client: self, envelope: envelope, recipients: recipients, message: message,
                                          hop: hop, tls: tls)
        let first = await transaction.run(tryTLS: tlsContext != nil)
        guard let handshakeFailure = first.handshakeFailure else { return first }
        // Postfix at level `may`: a failed handshake is retried once without STARTTLS.
        logger.notice("\(envelope.queueID): TLS handshake with \(hop.host) failed (\(handshakeFailure)); retrying in plaintext")
        var second = await transaction.run(tryTLS: false)
        second.report.tlsFallbackReason = handshakeFailure
        return second
    }
}
