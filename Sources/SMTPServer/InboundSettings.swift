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
    /// The server certificate; nil when no listener uses TLS.
    public var tlsContext: NIOSSLContext?
    /// Scan and policy at the end of DATA; nil: every recipient is delivered with no policy.
    public var inspector: MessageInspector?
    /// Reverse lookups for the Received header (`dns.reverse_lookup`); nil: the client is "unknown".
    public var clientNames: (any ClientNameLookup)?

    public init(hostname: String, nodeID: UInt16, maxMessageSize: Int, maxRecipients: Int, maxDataLineLength: Int,
                trustedNetworks: [IPNetwork], normalizeBareNewlineNetworks: [IPNetwork], commandTimeout: Double,
                dataTimeout: Double, maxConnections: Int, maxConnectionsPerIP: Int, tlsContext: NIOSSLContext?,
                inspector: MessageInspector? = nil, clientNames: (any ClientNameLookup)? = nil) {
        self.hostname = hostname; self.nodeID = nodeID; self.maxMessageSize = maxMessageSize
        self.maxRecipients = maxRecipients; self.maxDataLineLength = maxDataLineLength
        self.trustedNetworks = trustedNetworks; self.normalizeBareNewlineNetworks = normalizeBareNewlineNetworks
        self.commandTimeout = commandTimeout; self.dataTimeout = dataTimeout
        self.maxConnections = maxConnections; self.maxConnectionsPerIP = maxConnectionsPerIP; self.tlsContext = tlsContext
        self.inspector = inspector
        self.clientNames = clientNames
    }

    /// The protocol machine's settings for one client of one listener.
    func machineConfig(listener: ListenerSettings, client: IPAddress?) -> SMTPServerConfig {
        var c = SMTPServerConfig(hostname: hostname)
        c.maxMessageSize = maxMessageSize
        c.maxRecipients = maxRecipients
        c.maxDataLineLength = maxDataLineLength
        c.starttlsAvailable = listener.tls == .starttls && tlsContext != nil
        c.auth = listener.auth
        c.clientIsTrusted = client.map { ip in trustedNetworks.contains { $0.contains(ip) } } ?? false
        let normalize = client.map { ip in normalizeBareNewlineNetworks.contains { $0.contains(ip) } } ?? false
        c.bareNewline = normalize ? .normalize : .reject
        return c
    }
}
