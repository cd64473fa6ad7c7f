// AttemptReport: what one SMTP transaction did for each recipient (delivered, deferred, bounced,
// with the reply or a local reason) and where it went: host, IP, port and the TLS facts measured.

import Foundation
import MailCore

public struct RecipientResult: Sendable, Equatable {
    /// The recipient's index in the envelope (and in the spool's state array).
    public var index: Int
    public var recipient: RecipientSpec
    /// .delivered, .deferred or .bounced.
    public var outcome: Outcome
    /// The remote reply, when the server gave one.
    public var reply: SMTPReply?
    public var status: EnhancedStatus
    /// A local explanation when there is no reply (connection refused, timeout, TLS...).
    public var reason: String?
    /// What the method ladder chose for this recipient and why stronger rungs were skipped
    /// (nil for mail without a policy decision, such as the gateway's own notices).
    public var choice: MethodChoice?
    /// Set when this copy was encrypted end to end for the recipient.
    public var encryption: EncryptionFacts?

    public init(index: Int, recipient: RecipientSpec, outcome: Outcome, reply: SMTPReply?, status: EnhancedStatus,
                reason: String? = nil) {
        self.index = index; self.recipient = recipient; self.outcome = outcome; self.reply = reply
        self.status = status; self.reason = reason
    }

    /// The one-line text for state, logs and audit: the reply, else the local reason.
    public var text: String { reply?.description ?? reason ?? status.description }
}

public struct AttemptReport: Sendable, Equatable {
    public var relayHost: String
    public var relayIP: String?
    public var relayPort: Int
    /// nil when the session stayed plaintext.
    public var tls: TLSFacts?
    /// Set when STARTTLS was offered but the handshake failed and the message went in plaintext.
    public var tlsFallbackReason: String?
    public var results: [RecipientResult]
    /// The recipient domain this transaction served (MX delivery), for the TLS observations.
    public var domain: String?
    /// The TLS plan's notes (DANE / MTA-STS outcome, requirement), for the audit record.
    public var notes: [String] = []
    /// The peer certificate's notAfter, when one was presented.
    public var certificateExpires: Date?
    /// True when a later attempt (the next MX or address) decided these recipients: the results
    /// are audited as attempts but not written into the recipient states.
    public var superseded = false
    /// Superseded because the method ladder moved these recipients to their next rung (not the next MX host).
    public var movedOnByLadder = false
    /// The chain the peer presented (DER, leaf first); not audited, used by the probe.
    public var peerChain: [[UInt8]] = []
    /// Set when the attempt stopped before MAIL because the hop fell short of the TLS requirement
    /// (no STARTTLS, a failed handshake, the measured facts, DANE or MTA-STS): the ladder's `tls`
    /// rung is then skipped for these recipients and the next rung tried in the same pass.
    public var tlsShortfall: TLSOutcome?
    /// The TLS policy that applied to this hop, for the RFC 8460 facts on its audit record (nil: none
    /// recorded, as for the smarthost and `TLS-Required: No`).
    var tlsReportPolicy: TLSReportPolicy?

    public init(relayHost: String, relayIP: String?, relayPort: Int, tls: TLSFacts?, tlsFallbackReason: String? = nil,
                results: [RecipientResult]) {
        self.relayHost = relayHost; self.relayIP = relayIP; self.relayPort = relayPort; self.tls = tls
        self.tlsFallbackReason = tlsFallbackReason; self.results = results
    }
}

/// A failure that ends the whole transaction: applies to every recipient still open.
struct TransactionFailure: Error {
    var outcome: Outcome
    var reply: SMTPReply?
    var status: EnhancedStatus
    var reason: String?
    /// Set when TLS fell short of the hop's requirement (the ladder's `tls` rung is skipped).
    var tlsShortfall: TLSOutcome.Measurement?

    /// From a reply: 4xx defers, 5xx bounces.
    init(reply: SMTPReply, context: String) {
        self.outcome = reply.isPermanent ? .bounced : .deferred
        self.reply = reply
        self.status = reply.status ?? (reply.isPermanent ? EnhancedStatus(5, 5, 0) : EnhancedStatus(4, 4, 0))
        self.reason = context
    }

    init(local status: EnhancedStatus, _ reason: String, tlsShortfall: TLSOutcome.Measurement? = nil) {
        self.outcome = status.isPermanent ? .bounced : .deferred
        self.reply = nil
        self.status = status
        self.reason = reason
        self.tlsShortfall = tlsShortfall
    }
}
