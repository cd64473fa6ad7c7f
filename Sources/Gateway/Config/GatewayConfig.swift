// GatewayConfig: the typed, validated configuration the daemon and every CLI command run on.
// Built only by ConfigLoader (from YAML) or builtInDefaults; all paths in it are absolute.
import Audit
import Foundation
import MailCore
import MessageCrypto
import Webhooks

public struct GatewayConfig: Sendable {
    /// The config file this came from; nil means the built-in defaults.
    public var sourcePath: String?
    public var hostname: String
    public var nodeID: UInt16
    public var listeners: [ListenerConfig]
    public var trustedNetworks: [IPNetwork]
    public var normalizeBareNewlineNetworks: [IPNetwork]
    public var tlsCertificatePath: String
    public var tlsKeyPath: String
    /// `tls.ciphers`: the TLS 1.2 suites the SMTP listeners offer.
    public var tlsCiphers: InboundCipherPolicy = .forwardSecret
    public var spoolPath: String
    public var spoolKeyPath: String
    public var controlSocketPath: String
    public var auditStore: AuditStoreLocation
    /// `shared_store`: the PostgreSQL several nodes share (the portal store, TLS observations, the MTA-STS
    /// cache, AUTH users); nil: each node keeps them in its own files.
    public var sharedStore: SharedStoreConfig?
    /// `audit.when_unwritable`: what a message gets when neither the audit store nor its outbox can
    /// keep its `accepted` record (refuse: 451 4.3.0 and the message is not kept; accept: 250, logged).
    public var auditWhenUnwritable: AuditUnwritableAction = .refuse
    public var smarthost: HostPort?
    /// The port used for MX delivery and for a smarthost given without a port (`delivery.port`).
    public var deliveryPort: Int
    public var retrySteps: [TimeInterval]
    public var retryAfter: TimeInterval
    public var maxLifetime: TimeInterval
    public var deliveryCAFile: String?
    /// `delivery.tls.default` and `delivery.tls.domains`: Postfix level names per destination domain.
    public var tlsDefaultLevel: TLSLevel = .may
    public var tlsDomainLevels: [String: TLSLevel] = [:]
    /// `delivery.observations`: where per-domain TLS observations are kept (absolute).
    public var observationsPath: String = ""
    /// `delivery.ratchet` / `delivery.ratchet_expiry`: the optional no-downgrade ratchet.
    public var tlsRatchet: Bool = false
    public var tlsRatchetExpiry: TimeInterval = 30 * 86400
    /// `delivery.mta_sts_cache`: fetched MTA-STS policies (absolute).
    public var mtaSTSCachePath: String = ""
    /// `dns.reverse_lookup`: name inbound clients in the Received header (PTR, forward-confirmed).
    public var reverseLookup: Bool = true
    /// `scanner:` — nil keeps the scanner's built-in value.
    public var scannerMRNContextWords: [String]? = nil
    public var scannerMRNPattern: String? = nil
    public var scannerHealthTermFiles: [String] = []
    public var scannerContextWindow: Int? = nil
    public var connectTimeout: TimeInterval
    /// `delivery.concurrency`: messages in delivery at once (Postfix: default_process_limit).
    public var deliveryConcurrency: Int = 50
    /// `delivery.destination_concurrency`: sessions to one MX destination at once (Postfix:
    /// default_destination_concurrency_limit, also 20).
    public var destinationConcurrency: Int = 20
    public var maxMessageSize: Int
    public var maxRecipients: Int
    public var maxConnections: Int
    public var maxConnectionsPerIP: Int
    /// `limits.reserved_connections`: slots of max_connections kept for trusted networks and
    /// `auth: required` listeners; when the key is absent, 10% of max_connections (at least 1).
    public var reservedConnections: Int = 20
    /// `limits.stress_command_timeout`: the timeout for untrusted sessions under stress.
    public var stressCommandTimeout: TimeInterval = 10
    /// `limits.spool_min_free`: MAIL FROM gets 452 4.3.1 while the spool's filesystem has less free;
    /// unset, 1.5 × max_message_size (Postfix's default check).
    public var spoolMinFree: Int?
    /// `limits.auth_failures`, `limits.auth_window`, `limits.auth_lockout`: AUTH brute-force limits per client.
    var authThrottle = AuthThrottle.Limits()
    public var effectiveSpoolMinFree: Int { spoolMinFree ?? maxMessageSize + maxMessageSize / 2 }
    public var maxDataLineLength: Int
    public var commandTimeout: TimeInterval
    public var dataTimeout: TimeInterval
    public var logFormat: LogFormat
    public var logLevel: String
    public var policiesPath: String
    public var usersPath: String
    /// "ip:port" or "[ipv6]:port"; nil means the first nameserver of /etc/resolv.conf.
    public var dnsResolver: String?
    public var dnssecMode: String
    /// `dkim.domains`: the signing keys per sender domain (checked at load; signed with on the send path).
    public var dkimDomains: [DKIMDomainConfig] = []
    /// `keys.directory`: the recipient key store (certificates and OpenPGP keys; `sealgate keys`).
    public var keysDirectory: String = "certs/recipients"
    /// `audit.signing_key`: the Ed25519 key that signs `audit export` bundles (made 0600 on first use).
    public var auditSigningKeyPath: String = "certs/audit-signing.key"
    /// `audit.retention`: how long each kind of record is kept before `audit prune` may remove it;
    /// nil (no section) keeps every record forever.
    public var auditRetention: AuditRetention?
    /// `smime.signing`, `smime.ciphers`, `pgp.signing`: the organisation's signing keys per sender
    /// domain and the S/MIME content cipher per recipient domain (checked at load).
    public var smimeSigning: [SMIMESigningConfig] = []
    public var smimeDomainCiphers: [String: SMIMECipher] = [:]
    public var pgpSigning: [PGPSigningConfig] = []
    /// `portal:`; nil when the file has no such section (then the portal rung is not configured).
    public var portal: PortalConfig? = nil
    /// `admin:`; nil when the file has no such section (then no admin listener runs).
    public var admin: AdminConfig? = nil
    /// `var/admin.tokens` under the config's directory: the token file when `admin.tokens_file` is not set.
    public var defaultAdminTokensPath: String = "var/admin.tokens"
    /// `tls_reporting:`; nil: no TLS reports are mailed (`sealgate audit tls-report` still prints them).
    public var tlsReporting: TLSReportingConfig? = nil
    /// `webhooks:`: the delivery-status endpoints (docs/webhooks.md); empty: none.
    public var webhooks: [WebhookEndpoint] = []
    /// `var/webhooks` under the config's directory: one outbox subdirectory per endpoint.
    public var webhooksPath: String = "var/webhooks"
}

public enum ListenerTLS: String, Sendable, CaseIterable {
    case none, starttls, implicit
}

public enum ListenerAuth: String, Sendable, CaseIterable {
    case none, optional, required
}

public struct ListenerConfig: Sendable, Equatable {
    public var name: String
    public var host: String
    public var port: Int
    public var tls: ListenerTLS
    public var auth: ListenerAuth

    public init(name: String, host: String, port: Int, tls: ListenerTLS, auth: ListenerAuth) {
        self.name = name; self.host = host; self.port = port; self.tls = tls; self.auth = auth
    }

    /// "127.0.0.1:2525" or "[::1]:2525".
    public var addressDescription: String { HostPort.render(host: host, port: port) }
}

/// A delivery target. `[host]:port` in the config means no MX lookup (Postfix relayhost style).
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var mxLookup: Bool

    public init(host: String, port: Int, mxLookup: Bool) {
        self.host = host; self.port = port; self.mxLookup = mxLookup
    }

    /// The config-file spelling: "[127.0.0.1]:2526", "mx.example:25", "[::1]:25".
    public var description: String {
        if mxLookup { return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        return "[\(host)]:\(port)"
    }

    static func render(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

public enum AuditStoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    /// `audit.store: postgresql://…`: the log shared by several nodes (docs/operations.md).
    case postgresql(PostgresAuditConfig)
}

public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// `audit.when_unwritable`.
public enum AuditUnwritableAction: String, CaseIterable, Sendable {
    /// 451 4.3.0: the client keeps the message and retries (the default: nothing leaves unrecorded).
    case refuse
    /// 250: mail flows; the lost record is an error log line.
    case accept
}
