// The built-in defaults: what `sealgate serve` runs on without any config file, and the
// value every key keeps when a config file leaves it out. Paths resolve against `baseDirectory`.
import Foundation
import MailCore

extension GatewayConfig {
    /// `limits.reserved_connections` when the file leaves it out: 10% of max_connections, at
    /// least 1, and always fewer than max_connections (none when max_connections is 1).
    public static func defaultReservedConnections(maxConnections: Int) -> Int {
        min(max(1, maxConnections / 10), maxConnections - 1)
    }

    public static func builtInDefaults(baseDirectory: String) -> GatewayConfig {
        func path(_ p: String) -> String { ConfigValueParsers.resolvePath(p, base: baseDirectory) }
        var config = GatewayConfig(
            sourcePath: nil,
            hostname: machineHostname(),
            nodeID: 0,
            listeners: [
                ListenerConfig(name: "relay", host: "127.0.0.1", port: 2525, tls: .starttls, auth: .optional),
                ListenerConfig(name: "submission", host: "127.0.0.1", port: 5587, tls: .starttls, auth: .required),
            ],
            trustedNetworks: ["127.0.0.0/8", "::1/128"].compactMap(IPNetwork.init),
            normalizeBareNewlineNetworks: [],
            tlsCertificatePath: path("certs/gateway.pem"),
            tlsKeyPath: path("certs/gateway.key"),
            spoolPath: path("var/spool"),
            spoolKeyPath: path("certs/spool.keys"),
            controlSocketPath: path("var/sealgate.sock"),
            auditStore: .sqlite(path: path("var/audit.sqlite")),
            smarthost: nil,   // direct MX delivery, as Postfix does without a relayhost
            deliveryPort: 25,
            retrySteps: [60, 300, 900, 1800],
            retryAfter: 3600,
            maxLifetime: 5 * 86400,
            deliveryCAFile: nil,
            connectTimeout: 30,
            maxMessageSize: 36_700_160,
            maxRecipients: 1000,
            maxConnections: 200,
            maxConnectionsPerIP: 50,
            maxDataLineLength: 65536,
            commandTimeout: 300,
            dataTimeout: 600,
            logFormat: .text,
            logLevel: "info",
            policiesPath: path("policies"),
            usersPath: path("certs/users"),
            dnsResolver: nil,
            dnssecMode: "trust-ad"
        )
        config.observationsPath = path("var/tls-observations")
        config.mtaSTSCachePath = path("var/mta-sts")
        config.keysDirectory = path("certs/recipients")
        config.auditSigningKeyPath = path("certs/audit-signing.key")
        config.defaultAdminTokensPath = path("var/admin.tokens")
        config.webhooksPath = path("var/webhooks")
        return config
    }

    /// gethostname(2), or "localhost" when it is empty or not a valid host name.
    static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return DomainName(name) == nil ? "localhost" : name
    }
}
