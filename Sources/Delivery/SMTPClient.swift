// SMTPClient: delivers one message to the smarthost in one SMTP transaction, with opportunistic
// STARTTLS (Postfix level `may`): a failed handshake is retried once in plaintext and recorded.

import Foundation
import Logging
import MailCore
import NIOCore
import NIOSSL

public final class SMTPClient: @unchecked Sendable {
    let settings: DeliverySettings
    let group: EventLoopGroup
    let logger: Logger
    /// nil when STARTTLS is off or the TLS context could not be built (then delivery is plaintext).
    let tlsContext: NIOSSLContext?

    public init(settings: DeliverySettings, group: EventLoopGroup, logger: Logger) {
        self.settings = settings
        self.group = group
        self.logger = logger
        if settings.startTLS {
            do {
                tlsContext = try SMTPClient.makeTLSContext(extraCAFile: settings.extraCAFile)
            } catch {
                logger.error("cannot set up outbound TLS, delivering in plaintext: \(error)")
                tlsContext = nil
            }
        } else {
            tlsContext = nil
        }
    }

    /// Opportunistic TLS: any version the library allows, every certificate accepted, the
    /// verification result recorded (CertificateRecorder) rather than enforced.
    static func makeTLSContext(extraCAFile: String?) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv1
        config.certificateVerification = .noHostnameVerification
        config.trustRoots = .default
        if let extraCAFile { config.additionalTrustRoots = [.file(extraCAFile)] }
        return try NIOSSLContext(configuration: config)
    }

    /// Delivers `message` to the recipients given (index into the envelope, spec). Never throws:
    /// every failure becomes a per-recipient result.
    public func deliver(envelope: Envelope, recipients: [(index: Int, spec: RecipientSpec)], message: [UInt8]) async -> AttemptReport {
        let first = await SMTPTransaction(client: self, envelope: envelope, recipients: recipients, message: message)
            .run(tryTLS: tlsContext != nil)
        guard let handshakeFailure = first.handshakeFailure else { return first.report }
        // Postfix at level `may`: a failed handshake is retried once without STARTTLS.
        logger.notice("\(envelope.queueID): TLS handshake with \(settings.smarthostHost) failed (\(handshakeFailure)); retrying in plaintext")
        var second = await SMTPTransaction(client: self, envelope: envelope, recipients: recipients, message: message)
            .run(tryTLS: false)
        second.report.tlsFallbackReason = handshakeFailure
        return second.report
    }
}
