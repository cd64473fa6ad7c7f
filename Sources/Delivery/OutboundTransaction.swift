// OutboundTransaction: one connection's conversation for one group of recipients: greeting, EHLO (HELO
// on 5xx), STARTTLS, measure and enforce TLS, EHLO again, MAIL + RCPTs (pipelined), DATA, QUIT.

import Foundation
import MailCore
import NIOCore
import NIOSSL
import SMTPProtocol
import TLSObserver

struct OutboundTransaction {
    let client: SMTPClient
    let envelope: Envelope
    let recipients: [(index: Int, spec: RecipientSpec)]
    let message: [UInt8]
    let hop: Hop
    let tls: HopTLSPolicy

    struct Outcome {
        var report: AttemptReport
        /// Set when the handshake failed and a plaintext retry is allowed (level `may` only).
        var handshakeFailure: String?
        /// MAIL FROM was sent: this host took part, so no other MX host is tried for these recipients.
        var reachedMail = false
    }

    private var settings: DeliverySettings { client.settings }
    private var host: String { hop.host }

    init(client: SMTPClient, envelope: Envelope, recipients: [(index: Int, spec: RecipientSpec)], message: [UInt8],
         hop: Hop, tls: HopTLSPolicy) {
        self.client = client; self.envelope = envelope; self.recipients = recipients; self.message = message
        self.hop = hop; self.tls = tls
    }

    func run(tryTLS: Bool) async -> Outcome {
        let key = ConnectionCache.Key(address: hop.address, port: hop.port, host: host, requirement: tls.requirement,
                                      requireTLS: tls.requireTLS, attemptTLS: tryTLS && tls.attempt, plan: tls.notes)
        while let cached = client.connections.take(key) {
            if let outcome = await reuse(cached, key: key) { return outcome }
        }
        var report = AttemptReport(relayHost: host, relayIP: nil, relayPort: hop.port, tls: nil, results: [])
        report.notes = tls.notes
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(host: hop.address, port: hop.port, group: client.group,
                                                          timeout: settings.connectTimeout)
        } catch {
            let failure = TransactionFailure(local: EnhancedStatus(4, 4, 1), "connect to \(host)[\(hop.address)]:\(hop.port): \(error)")
            report.results = everyone(failure)
            return Outcome(report: report)
        }
        report.relayIP = connection.remoteIP
        report.relayPort = connection.remotePort ?? hop.port
        let session = Session(connection: connection)
        do {
            let caps = try await converse(session, tryTLS: tryTLS, report: &report)
            client.connections.put(key, .init(connection: connection, capabilities: caps, tls: report.tls,
                                              certificateExpires: report.certificateExpires, peerChain: report.peerChain, uses: 1),
                                   timeout: settings.commandTimeout)
        } catch let failure as TransactionFailure {
            report.results = finish(session.results, open: failure)
            report.tlsShortfall = shortfall(failure.tlsShortfall)
            await connection.quit(timeout: settings.commandTimeout)
        } catch let handshake as HandshakeFailed {
            connection.close()
            if tryTLS && tls.allowsPlaintextFallback { return Outcome(report: report, handshakeFailure: handshake.reason) }
            // Any stricter requirement: never plaintext. Defer (or 5.7.30 for REQUIRETLS) with the reason.
            let status = tls.requireTLS ? EnhancedStatus(5, 7, 30) : EnhancedStatus(4, 7, 5)
            report.results = everyone(TransactionFailure(local: status, "TLS handshake with \(host) failed: \(handshake.reason)"))
            // A TLS-level refusal (an alert, no common version or cipher) is the host's capability; a
            // hang-up or timeout mid-handshake is an outage, retried at `tls` like a refused connection.
            if !handshake.transient { report.tlsShortfall = shortfall(.handshakeFailed(reason: handshake.reason)) }
        } catch {
            let where_ = "\(host)[\(connection.remoteIP ?? "?")]"
            let failure = TransactionFailure(local: EnhancedStatus(4, 4, 2), "\(error) with \(where_) \(session.phase)")
            report.results = finish(session.results, open: failure)
            connection.close()
        }
        return Outcome(report: report, reachedMail: session.reachedMail)
    }

    struct HandshakeFailed: Error {
        var reason: String
        /// Not a TLS-level failure (the connection closed, the handshake timed out).
        var transient: Bool
    }

    /// The hop's TLS shortfall for the ladder. REQUIRETLS (RFC 8689) binds every hop whatever the
    /// method, so its failures stay final (5.7.30) and name no shortfall.
    private func shortfall(_ measured: TLSOutcome.Measurement?) -> TLSOutcome? {
        guard let measured, !tls.requireTLS else { return nil }
        return TLSOutcome(host: host, requirement: tls.requirement, requireTLS: false, measured: measured)
    }

    final class Session {
        let connection: SMTPConnection
        var results: [Int: RecipientResult] = [:]
        var phase = "while receiving the initial server greeting"
        var reachedMail = false
        init(connection: SMTPConnection) { self.connection = connection }
    }

    /// A cached session: RSET, then the transaction on what was measured when it was opened.
    /// nil when the session is no longer usable (the caller opens a new one).
    private func reuse(_ cached: ConnectionCache.Entry, key: ConnectionCache.Key) async -> Outcome? {
        let connection = cached.connection
        guard let rset = try? await connection.command(.rset, timeout: min(settings.commandTimeout, 30)), rset.code == 250 else {
            connection.close()
            return nil
        }
        var report = AttemptReport(relayHost: host, relayIP: connection.remoteIP, relayPort: connection.remotePort ?? hop.port,
                                   tls: cached.tls, results: [])
        report.notes = tls.notes
        report.certificateExpires = cached.certificateExpires
        report.peerChain = cached.peerChain
        let session = Session(connection: connection)
        session.phase = "after RSET on a cached connection"
        do {
            try await transact(session, caps: cached.capabilities, report: &report)
            client.connections.put(key, .init(connection: connection, capabilities: cached.capabilities, tls: cached.tls,
                                              certificateExpires: cached.certificateExpires, peerChain: cached.peerChain,
                                              uses: cached.uses + 1), timeout: settings.commandTimeout)
        } catch let failure as TransactionFailure {
            report.results = finish(session.results, open: failure)
            report.tlsShortfall = shortfall(failure.tlsShortfall)
            await connection.quit(timeout: settings.commandTimeout)
        } catch {
            let failure = TransactionFailure(local: EnhancedStatus(4, 4, 2), "\(error) with \(host)[\(connection.remoteIP ?? "?")] \(session.phase)")
            report.results = finish(session.results, open: failure)
            connection.close()
        }
        return Outcome(report: report, reachedMail: session.reachedMail)
    }

    /// Greeting, EHLO, STARTTLS (measured, then checked), then the transaction. Returns the
    /// capabilities the session ends with, for the connection cache.
    private func converse(_ s: Session, tryTLS: Bool, report: inout AttemptReport) async throws -> ServerCapabilities {
        let greeting = try await s.connection.readReply(timeout: settings.commandTimeout, doing: "receiving the greeting")
        guard greeting.code == 220 else { throw TransactionFailure(reply: greeting, context: "host \(host) refused to talk to me") }
        s.phase = "after EHLO"
        var caps = try await hello(s.connection)
        if tryTLS && tls.attempt {
            caps = try await secure(s, caps: caps, report: &report)
        }
        try await transact(s, caps: caps, report: &report)
        return caps
    }

    /// The TLS check, then MAIL, RCPT and DATA for this group.
    private func transact(_ s: Session, caps: ServerCapabilities, report: inout AttemptReport) async throws {
        try TLSEnforcement.check(report.tls, policy: tls, host: host)
        if tls.requireTLS && !caps.requireTLS {
            throw TransactionFailure(local: EnhancedStatus(5, 7, 30), "REQUIRETLS is required, but was not offered by host \(host)")
        }
        let converted = caps.eightBitMIME ? message : EightBitDowngrade.convertIfNeeded(message)
        // Signing is the last change to the bytes: after the downgrade, before dot-stuffing.
        let body = settings.signer.map { $0.sign(converted, now: client.clock.now()) } ?? converted
        try checkFit(caps, size: body.count)
        let accepted = try await mailAndRecipients(s, caps: caps, size: body.count)
        if !accepted.isEmpty { try await data(s, accepted: accepted, body: body) }
        report.results = finish(s.results, open: nil)
    }

    /// STARTTLS when offered; returns the capabilities after the second EHLO. Refusals are enforced
    /// by TLSEnforcement afterwards (nothing is sent before that check).
    private func secure(_ s: Session, caps: ServerCapabilities, report: inout AttemptReport) async throws -> ServerCapabilities {
        guard caps.startTLS, let context = client.tlsContext else {
            if tls.requirement.encrypted || tls.requireTLS {
                let why = caps.startTLS ? "TLS could not be set up locally" : "STARTTLS was not offered by host \(host)"
                let measured: TLSOutcome.Measurement = caps.startTLS ? .handshakeFailed(reason: why) : .noSTARTTLS
                throw TransactionFailure(local: tls.requireTLS ? EnhancedStatus(5, 7, 30) : EnhancedStatus(4, 7, 4),
                                         "TLS is required (\(tls.requirement)), but \(why)", tlsShortfall: measured)
            }
            return caps
        }
        s.phase = "after STARTTLS"
        let reply = try await s.connection.command(.startTLS, timeout: settings.commandTimeout)
        guard reply.code == 220 else {
            if tls.requirement.encrypted || tls.requireTLS {
                // 454 "TLS not available due to temporary reason" is an outage; a 5xx is the host's answer.
                throw TransactionFailure(local: EnhancedStatus(4, 7, 4), "STARTTLS refused by host \(host): \(reply)",
                                         tlsShortfall: reply.isPermanent ? .handshakeFailed(reason: "STARTTLS refused: \(reply)") : nil)
            }
            return caps
        }
        try await handshake(s.connection, context: context, report: &report)
        // Measure first, then decide: refuse before the second EHLO when the requirement is unmet.
        try TLSEnforcement.check(report.tls, policy: tls, host: host)
        s.phase = "after EHLO"
        return try await hello(s.connection)
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

    private func handshake(_ c: SMTPConnection, context: NIOSSLContext, report: inout AttemptReport) async throws {
        let measured: TLSUpgrade.Measured
        do {
            measured = try await TLSUpgrade.handshake(c, context: context, host: host, timeout: settings.commandTimeout)
        } catch let error as NIOSSLError {
            if case .handshakeFailed = error { throw HandshakeFailed(reason: "\(error)", transient: false) }
            throw HandshakeFailed(reason: "\(error)", transient: true)
        } catch ConnectionFailure.tlsRefused(let why) {
            // The handshake error as the reply reader saw it (NIOSSL reports it through the pipeline).
            throw HandshakeFailed(reason: why, transient: false)
        } catch {
            throw HandshakeFailed(reason: "\(error)", transient: true)
        }
        let verification = await tls.authenticate(measured.chain)
        report.tls = measured.facts(verification)
        report.peerChain = measured.chain
        report.certificateExpires = TLSFactsBuilder.expiry(chain: measured.chain)
    }

    /// Refuses before MAIL what the peer said it cannot take: too big, or SMTPUTF8 unsupported.
    private func checkFit(_ caps: ServerCapabilities, size: Int) throws {
        if !caps.accepts(size: size) {
            throw TransactionFailure(local: EnhancedStatus(5, 3, 4),
                                     "message size \(size) exceeds the limit \(caps.size ?? 0) of \(host)")
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
    private func mailAndRecipients(_ s: Session, caps: ServerCapabilities, size: Int) async throws -> [Int] {
        let utf8 = needsUTF8 && caps.smtputf8
        var parameters = ClientParameters.mail(envelope: envelope, size: size, capabilities: caps)
        if tls.requireTLS { parameters.append("REQUIRETLS") }
        let mail = ClientCommand.mail(from: envelope.sender, parameters: parameters)
        let rcpts = recipients.map { ClientCommand.rcpt(to: $0.spec.address, parameters: ClientParameters.rcpt($0.spec, capabilities: caps)) }
        s.phase = "after MAIL FROM"
        s.reachedMail = true
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

    private func data(_ s: Session, accepted: [Int], body: [UInt8]) async throws {
        s.phase = "after DATA"
        let go = try await s.connection.command(.data, timeout: settings.commandTimeout)
        guard go.code == 354 else { throw TransactionFailure(reply: go, context: "DATA") }
        s.phase = "while sending message content"
        try await s.connection.send(ClientDotStuffer.encode(body))
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

/// Compares the measured facts (nil = plaintext) with the hop's requirement.
enum TLSEnforcement {
    static func check(_ facts: TLSFacts?, policy: HopTLSPolicy, host: String) throws {
        guard let why = policy.requirement.unmetReason(facts) else { return }
        let status: EnhancedStatus
        if policy.requireTLS { status = EnhancedStatus(5, 7, 30) }
        else if facts == nil { status = EnhancedStatus(4, 7, 4) }
        else { status = EnhancedStatus(4, 7, 5) }
        let prefix = policy.requireTLS ? "REQUIRETLS: " : ""
        throw TransactionFailure(local: status, "\(prefix)TLS requirement (\(policy.requirement)) not met by host \(host): \(why)",
                                 tlsShortfall: facts.map { .negotiated($0) } ?? .notAttempted)
    }
}
