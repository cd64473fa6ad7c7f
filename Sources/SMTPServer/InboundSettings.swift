// Settings the inbound side needs, in its own terms (the Gateway maps its config onto these):
// one ListenerSettings per socket, one InboundSettings shared by all of them.

import MailCore
import NIOSSL
import SMTPProtocol

public enum ListenerTLSMode: String, Sendable { case none, starttls, implicit }

public struct ListenerSettings: Sendable {
    public var name: String
    public var host: String
    public var port: Int
    public var tls: ListenerTLSMode
    public var auth: AuthMode

    public init(name: String, host: String, port: Int, tls: ListenerTLSMode, auth: AuthMode) {
        self.name = name; self.host = host; self.port = port; self.tls = tls; self.auth = auth
    }

    public var addressDescription: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct InboundSettings: Sendable {
    public var hostname: String
    public var nodeID: UInt16
    public var maxMessageSize: Int
    public var maxRecipients: Int
    public var maxDataLineLength: Int
    public var trustedNetworks: [IPNetwork]
    public var normalizeBareNewlineNetworks: [IPNetwork]
    public var commandTimeout: Double
    public var dataTimeout: Double
    public var maxConnections: Int
    public var maxConnectionsPerIP: Int
    /// Slots of `maxConnections` only trusted clients and `auth: required` listeners may use.
    public var reservedConnections: Int
    /// The one timeout (commands and DATA, per line) for untrusted sessions under stress.
    public var stressCommandTimeout: Double
    /// The server certificate; nil when no listener uses TLS.
    public var tlsContext: NIOSSLContext?
    /// Scan and policy at the end of DATA; nil: every recipient is delivered with no policy.
    public var inspector: MessageInspector?
    /// Reverse lookups for the Received header (`dns.reverse_lookup`); nil: the client is "unknown".
    public var clientNames: (any ClientNameLookup)?
    /// Asked at MAIL FROM (`limits.spool_min_free`); nil: never refused for space before the commit.
    public var spoolRoom: (any SpoolRoom)?

    public init(hostname: String, nodeID: UInt16, maxMessageSize: Int, maxRecipients: Int, maxDataLineLength: Int,
                trustedNetworks: [IPNetwork], normalizeBareNewlineNetworks: [IPNetwork], commandTimeout: Double,
                dataTimeout: Double, maxConnections: Int, maxConnectionsPerIP: Int, reservedConnections: Int = 0,
                stressCommandTimeout: Double = 10, tlsContext: NIOSSLContext?,
                inspector: MessageInspector? = nil, clientNames: (any ClientNameLookup)? = nil,
                spoolRoom: (any SpoolRoom)? = nil) {
        self.hostname = hostname; self.nodeID = nodeID; self.maxMessageSize = maxMessageSize
        self.maxRecipients = maxRecipients; self.maxDataLineLength = maxDataLineLength
        self.trustedNetworks = trustedNetworks; self.normalizeBareNewlineNetworks = normalizeBareNewlineNetworks
        self.commandTimeout = commandTimeout; self.dataTimeout = dataTimeout
        self.maxConnections = maxConnections; self.maxConnectionsPerIP = maxConnectionsPerIP; self.tlsContext = tlsContext
        self.reservedConnections = reservedConnections; self.stressCommandTimeout = stressCommandTimeout
        self.inspector = inspector
        self.clientNames = clientNames
        self.spoolRoom = spoolRoom
    }

    var connectionLimits: ConnectionLimits {
        ConnectionLimits(maxTotal: maxConnections, reserved: reservedConnections, maxPerIP: maxConnectionsPerIP)
    }

    func isTrusted(_ client: IPAddress?) -> Bool {
        client.map { ip in trustedNetworks.contains { $0.contains(ip) } } ?? false
    }

    /// Trusted clients and listeners that require AUTH (submission) may use the reserved slots and
    /// keep the normal timeouts and error limit under stress.
    func isPrivileged(listener: ListenerSettings, client: IPAddress?) -> Bool {
        listener.auth == .required || isTrusted(client)
    }

    /// The protocol machine's settings for one client of one listener. A session that starts under
    /// stress and is not privileged may make one error (Postfix: `smtpd_hard_error_limit = ${stress?1}{20}`).
    func machineConfig(listener: ListenerSettings, client: IPAddress?, underStress: Bool = false) -> SMTPServerConfig {
        var c = SMTPServerConfig(hostname: hostname)
        c.maxMessageSize = maxMessageSize
        c.maxRecipients = maxRecipients
        c.maxDataLineLength = maxDataLineLength
        c.starttlsAvailable = listener.tls == .starttls && tlsContext != nil
        c.auth = listener.auth
        c.clientIsTrusted = isTrusted(client)
        c.spoolRoom = spoolRoom
        if underStress && !isPrivileged(listener: listener, client: client) { c.maxErrors = 1 }
        let normalize = client.map { ip in normalizeBareNewlineNetworks.contains { $0.contains(ip) } } ?? false
        c.bareNewline = normalize ? .normalize : .reject
        return c
    }
}
