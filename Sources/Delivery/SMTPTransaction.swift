// SMTPTransaction: one connection's conversation for one message: greeting, EHLO (HELO on 5xx),
// STARTTLS and EHLO again, MAIL + RCPTs (pipelined when offered), DATA, the body, QUIT.

import Foundation
import MailCore
import NIOCore
import NIOSSL
import SMTPProtocol

struct SMTPTransaction {
    let client: SMTPClient
    let envelope: Envelope
    let recipients: [(index: Int, spec: RecipientSpec)]
    let message: [UInt8]

    struct Outcome {
        var report: AttemptReport
        var handshakeFailure: String?
    }

    private var settings: DeliverySettings { client.settings }
    private var host: String { settings.smarthostHost }

    init(client: SMTPClient, envelope: Envelope, recipients: [(index: Int, spec: RecipientSpec)], message: [UInt8]) {
        self.client = client; self.envelope = envelope; self.recipients = recipients; self.message = message
    }

    func run(tryTLS: Bool) async -> Outcome {
        var report = AttemptReport(relayHost: host, relayIP: nil, relayPort: settings.smarthostPort, tls: nil, results: [])
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(host: host, port: settings.smarthostPort, group: client.group,
                                                          timeout: settings.connectTimeout)
        } catch {
            let failure = TransactionFailure(local: EnhancedStatus(4, 4, 1),
                                             "connect to \(host)[\(host)]:\(settings.smarthostPort): \(error)")
            report.results = everyone(failure)
            return Outcome(report: report)
        }
        report.relayIP = connection.remoteIP
        report.relayPort = connection.remotePort ?? settings.smarthostPort
        var session = Session(connection: connection)
        do {
            try await converse(&session, tryTLS: tryTLS, report: &report)
            await connection.quit(timeout: settings.commandTimeout)
        } catch let failure as TransactionFailure {
            report.results = finish(session.results, open: failure)
            await connection.quit(timeout: settings.commandTimeout)
        } catch let handshake as HandshakeFailed {
            connection.close()
            return Outcome(report: report, handshakeFailure: handshake.reason)
        } catch {
            let where_ = "\(host)[\(connection.remoteIP ?? "?")]"
            let failure = TransactionFailure(local: EnhancedStatus(4, 4, 2), "\(error) with \(where_) \(session.phase)")
            report.results = finish(session.results, open: failure)
            connection.close()
        }
        return Outcome(report: report)
    }

    struct HandshakeFailed: Error { var reason: String }

    final class Session {
        let connection: SMTPConnection
        var results: [Int: RecipientResult] = [:]
        var phase = "while receiving the initial server greeting"
        init(connection: SMTPConnection) { self.connection = connection }
    }

    private func converse(_ s: inout Session, tryTLS: Bool, report: inout AttemptReport) async throws {
        let greeting = try await s.connection.readReply(timeout: settings.commandTimeout, doing: "receiving the greeting")
        guard greeting.code == 220 else { throw TransactionFailure(reply: greeting, context: "host \(host) refused to talk to me") }
        s.phase = "after EHLO"
        var caps = try await hello(s.connection)
        if tryTLS, caps.startTLS, let context = client.tlsContext {
            s.phase = "after STARTTLS"
            let reply = try await s.connection.command(.startTLS, timeout: settings.commandTimeout)
            if reply.code == 220 {
                report.tls = try await handshake(s.connection, context: context)
                caps = try await hello(s.connection)
            }
        }
        try checkFit(caps)
        let accepted = try await mailAndRecipients(s, caps: caps)
        if !accepted.isEmpty { try await data(s, accepted: accepted) }
        report.results = finish(s.results, open: nil)
    }

    /// EHLO, or HELO when EHLO gets a 5xx (a pre-ESMTP server).
    private func hello(_ c: SMTPConnection) async throws -> ServerCapabilities {
        let ehlo = try await c.command(.ehlo(settings.hostname), timeout: settings.commandTimeout)
        if ehlo.code == 250 { return ServerCapabilities(ehlo: ehlo) }
        guard ehlo.isPermanent else { throw TransactionFailure(reply: ehlo, context: "EHLO") }
        let helo = try await c.command(.helo(settings.hostname), timeout: settings.commandTimeout)
        guard helo.code == 250 else { throw TransactionFailure(reply: helo, context: "HELO") }
        return ServerCapabilities.helo(helo)
    }

    private func handshake(_ c: SMTPConnection, context: NIOSSLContext) async throws -> TLSFacts {
        let recorder = CertificateRecorder()
        let serverName = MailCore.IPAddress(host) == nil ? host : nil
        do {
            let (observer, handler) = try await c.startTLS(context: context, serverName: serverName, recorder: recorder,
                                                           timeout: settings.commandTimeout)
            return try await c.channel.eventLoop.submit {
                TLSFactsBuilder.facts(observed: observer.observed, version: handler.tlsVersion,
                                      leaf: handler.peerCertificate, recorder: recorder, host: self.host)
            }.get()
        } catch {
            throw HandshakeFailed(reason: "\(error)")
        }
    }

    /// Refuses before MAIL what the peer said it cannot take: too big, or SMTPUTF8 unsupported.
    private func checkFit(_ caps: ServerCapabilities) throws {
        if !caps.accepts(size: message.count) {
            throw TransactionFailure(local: EnhancedStatus(5, 3, 4),
                                     "message size \(message.count) exceeds the limit \(caps.size ?? 0) of \(host)")
        }
        if needsUTF8, !caps.smtputf8 {
            throw TransactionFailure(local: EnhancedStatus(5, 6, 7), "SMTPUTF8 is required, but was not offered by host \(host)")
        }
    }

    private var needsUTF8: Bool {
        envelope.smtputf8 || (envelope.sender?.needsSMTPUTF8 ?? false) || recipients.contains { $0.spec.address.needsSMTPUTF8 }
    }

    /// MAIL and every RCPT: in one write with PIPELINING, else one at a time. Returns the indexes
    /// of the accepted recipients; rejected ones get their result in the session.
    private func mailAndRecipients(_ s: Session, caps: ServerCapabilities) async throws -> [Int] {
        let utf8 = needsUTF8 && caps.smtputf8
        let mail = ClientCommand.mail(from: envelope.sender,
                                      parameters: ClientParameters.mail(envelope: envelope, size: message.count, capabilities: caps))
        let rcpts = recipients.map { ClientCommand.rcpt(to: $0.spec.address, parameters: ClientParameters.rcpt($0.spec, capabilities: caps)) }
        s.phase = "after MAIL FROM"
        let mailReply: SMTPReply
        var rcptReplies: [SMTPReply] = []
        if caps.pipelining {
            try await s.connection.send([mail] + rcpts, utf8: utf8)
            mailReply = try await s.connection.readReply(timeout: settings.commandTimeout, doing: "waiting for the reply to MAIL")
            s.phase = "after RCPT TO"
            for _ in rcpts {
                rcptReplies.append(try await s.connection.readReply(timeout: settings.commandTimeout, doing: "waiting for the reply to RCPT"))
            }
        } else {
            mailReply = try await s.connection.command(mail, utf8: utf8, timeout: settings.commandTimeout)
            guard mailReply.code == 250 else { throw TransactionFailure(reply: mailReply, context: "MAIL FROM") }
            s.phase = "after RCPT TO"
            for rcpt in rcpts {
                rcptReplies.append(try await s.connection.command(rcpt, utf8: utf8, timeout: settings.commandTimeout))
            }
        }
        guard mailReply.code == 250 else { throw TransactionFailure(reply: mailReply, context: "MAIL FROM") }
        var accepted: [Int] = []
        for (recipient, reply) in zip(recipients, rcptReplies) {
            if reply.code == 250 || reply.code == 251 {
                accepted.append(recipient.index)
            } else {
                s.results[recipient.index] = result(recipient, failure: TransactionFailure(reply: reply, context: "RCPT TO"))
            }
        }
        return accepted
    }

    private func data(_ s: Session, accepted: [Int]) async throws {
        s.phase = "after DATA"
        let go = try await s.connection.command(.data, timeout: settings.commandTimeout)
        guard go.code == 354 else { throw TransactionFailure(reply: go, context: "DATA") }
        s.phase = "while sending message content"
        try await s.connection.send(ClientDotStuffer.encode(message))
        s.phase = "after end of data"
        let final = try await s.connection.readReply(timeout: settings.dataTimeout, doing: "waiting for the reply to end of data")
        for recipient in recipients where accepted.contains(recipient.index) {
            if final.code == 250 {
                s.results[recipient.index] = RecipientResult(index: recipient.index, recipient: recipient.spec, outcome: .delivered,
                                                             reply: final, status: final.status ?? EnhancedStatus(2, 0, 0))
            } else {
                s.results[recipient.index] = result(recipient, failure: TransactionFailure(reply: final, context: "end of data"))
            }
        }
    }

    private func result(_ r: (index: Int, spec: RecipientSpec), failure: TransactionFailure) -> RecipientResult {
        RecipientResult(index: r.index, recipient: r.spec, outcome: failure.outcome, reply: failure.reply,
                        status: failure.status, reason: failure.reply == nil ? failure.reason : nil)
    }

    private func everyone(_ failure: TransactionFailure) -> [RecipientResult] {
        recipients.map { result($0, failure: failure) }
    }

    /// Results in recipient order; recipients without one get `open` (or a deferral if none).
    private func finish(_ known: [Int: RecipientResult], open: TransactionFailure?) -> [RecipientResult] {
        let fallback = open ?? TransactionFailure(local: EnhancedStatus(4, 4, 2), "transaction ended without a result")
        return recipients.map { known[$0.index] ?? result($0, failure: fallback) }
    }
}
