// InboundSettingsBuilder: turns a validated config plus a loaded policy into the SMTP server's
// InboundSettings (certificate, limits, networks, inspector). Used at start and at every reload.

import DNS
import Foundation
import MailCore
import NIOSSL
import PHIScanner
import Policy
import SMTPServer

struct InboundSettingsBuilder {
    let config: GatewayConfig
    /// For reverse lookups of clients (nil: every client is "unknown").
    let resolver: Resolver?
    /// Counts rejections and PHI findings at each inspection (nil: none kept, as in the CLI).
    var metrics: GatewayMetrics? = nil

    func build(policy: PolicySet, scanner: PHIScanner) throws -> InboundSettings {
        InboundSettings(hostname: config.hostname, nodeID: config.nodeID, maxMessageSize: config.maxMessageSize,
                        maxRecipients: config.maxRecipients, maxDataLineLength: config.maxDataLineLength,
                        trustedNetworks: config.trustedNetworks,
                        normalizeBareNewlineNetworks: config.normalizeBareNewlineNetworks,
                        commandTimeout: config.commandTimeout, dataTimeout: config.dataTimeout,
                        maxConnections: config.maxConnections, maxConnectionsPerIP: config.maxConnectionsPerIP,
                        reservedConnections: config.reservedConnections, stressCommandTimeout: config.stressCommandTimeout,
                        tlsContext: try tlsContext(),
                        inspector: inspector(PolicyInspector(scanner: scanner, evaluator: PolicyEvaluator(policy: policy))),
                        clientNames: config.reverseLookup ? resolver.map(ForwardConfirmedClientName.init) : nil,
                        spoolRoom: SpoolFreeSpace(path: config.spoolPath, reserve: config.effectiveSpoolMinFree))
    }

    private func inspector(_ base: PolicyInspector) -> any MessageInspector {
        metrics.map { MetricsInspector(base: base, metrics: $0) } ?? base
    }

    /// The inbound certificate; nil when no listener uses TLS.
    func tlsContext() throws -> NIOSSLContext? {
        guard config.listeners.contains(where: { $0.tls != .none }) else { return nil }
        let chain = try NIOSSLCertificate.fromPEMFile(config.tlsCertificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: config.tlsKeyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        config.tlsCiphers.apply(to: &tls)
        return try NIOSSLContext(configuration: tls)
    }
}

/// Loads the policy directory, or says why not (every diagnostic as file:line:col).
enum PolicyLoading {
    struct Failed: Error, CustomStringConvertible {
        let diagnostics: [String]
        var description: String { diagnostics.joined(separator: "\n") }
    }

    static func load(_ config: GatewayConfig) throws -> (PolicySet, warnings: [String]) {
        let result = PolicyLoader.load(directory: config.policiesPath)
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
        let warnings = result.diagnostics.filter { $0.severity == .warning }.map(\.description)
        guard errors.isEmpty, let policy = result.policy else { throw Failed(diagnostics: errors) }
        return (policy, warnings)
    }
}
