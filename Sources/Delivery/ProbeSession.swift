// ProbeSession: connects to one MX address, reads the greeting, EHLO, STARTTLS with SNI, measures
// and authenticates the chain with the hop's policy, then QUITs. It never sends MAIL.

import Foundation
import MailCore
import SMTPProtocol

struct ProbeSession {
    let client: SMTPClient
    /// The time the certificate's days until expiry are counted from.
    let clock: WallClock

    struct Result {
        var tls: ProbeTLS
        var facts: TLSFacts?
        var chain: [[UInt8]]
    }

    func run(hop: Hop, policy: HopTLSPolicy) async -> Result {
        var out = Result(tls: ProbeTLS(address: hop.address, port: hop.port), facts: nil, chain: [])
        let settings = client.settings
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(host: hop.address, port: hop.port, group: client.group,
                                                          timeout: settings.connectTimeout)
        } catch {
            out.tls.failure = "connect: \(error)"
            return out
        }
        defer { connection.close() }
        do {
            let greeting = try await connection.readReply(timeout: settings.commandTimeout, doing: "receiving the greeting")
            guard greeting.code == 220 else { out.tls.failure = "greeting: \(greeting)"; return out }
            let ehlo = try await connection.command(.ehlo(settings.hostname), timeout: settings.commandTimeout)
            guard ehlo.code == 250 else { out.tls.failure = "EHLO: \(ehlo)"; return out }
            let caps = ServerCapabilities(ehlo: ehlo)
            out.tls.offered = caps.startTLS
            guard caps.startTLS, let context = client.tlsContext else {
                await connection.quit(timeout: settings.commandTimeout)
                return out
            }
            let reply = try await connection.command(.startTLS, timeout: settings.commandTimeout)
            guard reply.code == 220 else { out.tls.failure = "STARTTLS: \(reply)"; return out }
            let measured = try await TLSUpgrade.handshake(connection, context: context, host: hop.host,
                                                          timeout: settings.commandTimeout)
            let facts = measured.facts(await policy.authenticate(measured.chain))
            out.facts = facts
            out.chain = measured.chain
            fill(&out.tls, facts: facts, expiry: TLSFactsBuilder.expiry(chain: measured.chain))
            await connection.quit(timeout: settings.commandTimeout)
        } catch {
            out.tls.failure = "\(error)"
        }
        return out
    }

    private func fill(_ tls: inout ProbeTLS, facts: TLSFacts, expiry: Date?) {
        tls.version = facts.version; tls.cipher = facts.cipher; tls.bits = facts.bits
        tls.subject = facts.peerSubject; tls.issuer = facts.peerIssuer
        tls.verify = facts.verification.word
        switch facts.verification {
        case .verified(let trust): tls.trust = trust.rawValue
        case .failed(let reason): tls.verifyReason = reason
        case .none: break
        }
        tls.daysUntilExpiry = expiry.map { Int(floor($0.timeIntervalSince(clock.now()) / 86400)) }
    }
}
