// DeliverySettings: where and how the queue manager delivers: the smarthost, our EHLO name,
// the retry schedule, the RFC 5321 §4.5.3.2 timeouts and the number of parallel deliveries.

import Foundation
import Queue

public struct DeliverySettings: Sendable {
    public var smarthostHost: String
    public var smarthostPort: Int
    /// Our name in EHLO, Reporting-MTA and the notices' From.
    public var hostname: String
    public var retry: RetrySchedule
    /// A PEM file of CA certificates trusted in addition to the system roots, for recording
    /// whether the smarthost's chain verified.
    public var extraCAFile: String?
    public var connectTimeout: TimeInterval
    /// Greeting, EHLO, STARTTLS, MAIL, RCPT, DATA initiation, QUIT (RFC 5321: 5 min; DATA 2 min).
    public var commandTimeout: TimeInterval
    /// Sending the body and waiting for the reply to the final dot (RFC 5321: 10 min).
    public var dataTimeout: TimeInterval
    public var maxConcurrent: Int
    /// Opportunistic STARTTLS (Postfix `may`). Off only for tests and trusted local hops.
    public var startTLS: Bool
    /// Node number for the queue IDs of the notices this node generates.
    public var node: UInt16

    public init(smarthostHost: String, smarthostPort: Int = 25, hostname: String, retry: RetrySchedule = RetrySchedule(),
                extraCAFile: String? = nil, connectTimeout: TimeInterval = 30, commandTimeout: TimeInterval = 300,
                dataTimeout: TimeInterval = 600, maxConcurrent: Int = 10, startTLS: Bool = true, node: UInt16 = 0) {
        self.smarthostHost = smarthostHost; self.smarthostPort = smarthostPort; self.hostname = hostname
        self.retry = retry; self.extraCAFile = extraCAFile; self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout; self.dataTimeout = dataTimeout
        self.maxConcurrent = max(1, maxConcurrent); self.startTLS = startTLS; self.node = node
    }
}
