// DeliverySettings: where and how the queue manager delivers: the smarthost (or MX delivery when
// none), our EHLO name, the retry schedule, the RFC 5321 §4.5.3.2 timeouts and the concurrency limits.

import Foundation
import Queue

public struct DeliverySettings: Sendable {
    /// nil: deliver to each recipient domain's MX hosts (RFC 5321 §5). Set: everything goes there.
    public var smarthostHost: String?
    public var smarthostPort: Int
    /// The port for MX delivery (25; tests point it elsewhere).
    public var port: Int
    /// Our name in EHLO, Reporting-MTA and the notices' From.
    public var hostname: String
    public var retry: RetrySchedule
    /// A PEM file of CA certificates trusted in addition to the system roots.
    public var extraCAFile: String?
    /// The system trust bundle used for PKIX validation of peers.
    public var systemCAFile: String
    public var connectTimeout: TimeInterval
    /// Greeting, EHLO, STARTTLS, MAIL, RCPT, DATA initiation, QUIT (RFC 5321: 5 min; DATA 2 min).
    public var commandTimeout: TimeInterval
    /// Sending the body and waiting for the reply to the final dot (RFC 5321: 10 min).
    public var dataTimeout: TimeInterval
    /// Messages delivered at once.
    public var maxConcurrent: Int
    /// Connections open at once to one destination domain (MX delivery).
    public var maxPerDestination: Int
    /// Opportunistic STARTTLS to the smarthost (Postfix `may`). Off only for tests and trusted local hops.
    public var startTLS: Bool
    /// Node number for the queue IDs of the notices this node generates.
    public var node: UInt16
    /// Signs each message's final bytes (DKIM); nil: sent as they are.
    public var signer: (any OutboundSigner)?

    public init(smarthostHost: String?, smarthostPort: Int = 25, hostname: String, retry: RetrySchedule = RetrySchedule(),
                extraCAFile: String? = nil, connectTimeout: TimeInterval = 30, commandTimeout: TimeInterval = 300,
                dataTimeout: TimeInterval = 600, maxConcurrent: Int = 10, startTLS: Bool = true, node: UInt16 = 0,
                port: Int = 25, maxPerDestination: Int = 5,
                systemCAFile: String = "/etc/ssl/certs/ca-certificates.crt", signer: (any OutboundSigner)? = nil) {
        self.smarthostHost = smarthostHost; self.smarthostPort = smarthostPort; self.hostname = hostname
        self.retry = retry; self.extraCAFile = extraCAFile; self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout; self.dataTimeout = dataTimeout
        self.maxConcurrent = max(1, maxConcurrent); self.startTLS = startTLS; self.node = node
        self.port = port; self.maxPerDestination = max(1, maxPerDestination); self.systemCAFile = systemCAFile
        self.signer = signer
    }
}
