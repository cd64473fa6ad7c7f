// HopTLSPolicy: how TLS is handled on one connection: whether STARTTLS is tried at all, the
// requirement the measured facts must meet, how the peer's chain is authenticated, and REQUIRETLS.

import Foundation
import MailCore
import TLSPolicy

struct HopTLSPolicy: Sendable {
    /// false at level `none`: STARTTLS is never attempted.
    var attempt: Bool
    /// What the measured facts must satisfy; `.opportunistic` allows plaintext (level `may`).
    var requirement: TLSRequirement
    /// Given the presented chain (DER, leaf first): how the peer is authenticated (DANE, PKIX, MTA-STS).
    var authenticate: @Sendable ([[UInt8]]) async -> MailCore.CertificateVerification
    /// RFC 8689: the next hop must offer REQUIRETLS, and MAIL carries the REQUIRETLS parameter.
    var requireTLS = false
    /// The plan's notes (DANE / MTA-STS outcome) for the audit record.
    var notes: [String] = []
    /// The policy a TLS report names for this hop (nil for the smarthost and `TLS-Required: No`).
    var reportPolicy: TLSReportPolicy?

    /// A plaintext retry after a failed handshake is allowed only when nothing is required (`may`).
    var allowsPlaintextFallback: Bool { !requirement.encrypted && !requireTLS }

    /// The smarthost's policy (foundation behaviour): opportunistic, PKIX recorded, not enforced.
    static func opportunistic(attempt: Bool, verifier: PKIXVerifier, names: [String]) -> HopTLSPolicy {
        HopTLSPolicy(attempt: attempt, requirement: .opportunistic,
                     authenticate: { chain in await verifier.verify(chain: chain, names: names) })
    }
}

/// One SMTP next hop: the name (for SNI, logs and certificate checks), the address to connect to, the port.
struct Hop: Sendable, Equatable {
    var host: String
    var address: String
    var port: Int
}
