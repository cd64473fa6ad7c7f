// Reloader: SIGHUP and `sealgate reload`. Re-reads the config file and the policies, checks them,
// and swaps certificate, policy, trusted networks and TLS levels in atomically; a broken file
// keeps the old configuration running and says why. Listener addresses and storage need a restart.
// Each reload, applied or refused, is an audit record with the files' SHA-256 hashes.

import Audit
import DNS
import Foundation
import Logging
import MailCore
import PHIScanner
import Policy
import SMTPServer
import Webhooks

final class Reloader: @unchecked Sendable {
    private let running: GatewayConfig
    private let live: LiveInboundSettings
    private let resolver: Resolver?
    private let clock: WallClock
    private let logger: Logger
    private let applyDelivery: @Sendable (GatewayConfig) -> Void
    private let audit: AuditRecorder
    private let metrics: GatewayMetrics?
    private let lock = NSLock()

    init(running: GatewayConfig, live: LiveInboundSettings, resolver: Resolver?, clock: WallClock, logger: Logger,
         audit: AuditRecorder, metrics: GatewayMetrics? = nil, applyDelivery: @escaping @Sendable (GatewayConfig) -> Void) {
        self.running = running; self.live = live; self.resolver = resolver; self.clock = clock; self.logger = logger
        self.audit = audit; self.metrics = metrics; self.applyDelivery = applyDelivery
    }

    /// Reloads and records a `reload` admin event (`applied` or `refused`, with the hashes of the files
    /// read); `actor` is who asked ("SIGHUP" for the signal). Returns (ok, message).
    func reload(actor: String) -> (ok: Bool, message: String) {
        lock.lock(); defer { lock.unlock() }
        let result = reloadLocked()
        let files = ConfigFileHashes.of(running)
        do {
            try audit.record(.adminAction(AdminEvent(actor: actor, action: .reload, detail: result.ok ? "applied" : "refused",
                                                     files: files)))
        } catch {
            logger.error("audit record lost for reload: \(error)")
        }
        return result
    }

    /// Never leaves a half-applied state.
    private func reloadLocked() -> (ok: Bool, message: String) {
        let loaded = ConfigLoader.load(explicitPath: running.sourcePath,
                                       currentDirectory: FileManager.default.currentDirectoryPath, now: clock.now())
        let config: GatewayConfig
        switch loaded {
        case .success(let c): config = c
        case .failure(let errors): return refuse(errors.diagnostics.map(\.description))
        }
        let policy: (PolicySet, warnings: [String])
        do { policy = try PolicyLoading.load(config) } catch let failed as PolicyLoading.Failed {
            return refuse(failed.diagnostics)
        } catch { return refuse(["\(error)"]) }
        policy.warnings.forEach { logger.warning("policy: \($0)") }
        let settings: InboundSettings
        do {
            let scanner = try PHIScanner(configuration: config.scannerConfiguration, clock: clock)
            settings = try InboundSettingsBuilder(config: config, resolver: resolver, metrics: metrics).build(policy: policy.0, scanner: scanner)
        } catch {
            return refuse(["\(error)"])
        }
        for key in RestartOnlyKeys.changed(from: running, to: config) {
            logger.warning("reload: \(key) changed; it takes effect at the next restart")
        }
        live.replace(with: settings)
        applyDelivery(config)
        logger.info("reload: configuration and \(policy.0.rules.count) policy rule(s) in force")
        return (true, "reloaded: \(policy.0.rules.count) policy rule(s) in force")
    }

    private func refuse(_ problems: [String]) -> (ok: Bool, message: String) {
        for p in problems { logger.error("reload refused: \(p)") }
        return (false, "reload refused; the running configuration is unchanged:\n" + problems.joined(separator: "\n"))
    }
}

/// The keys a reload cannot apply (sockets and storage are opened once).
enum RestartOnlyKeys {
    static func changed(from a: GatewayConfig, to b: GatewayConfig) -> [String] {
        var out: [String] = []
        if a.listeners != b.listeners { out.append("listeners") }
        if a.spoolPath != b.spoolPath { out.append("spool") }
        if a.spoolKeyPath != b.spoolKeyPath { out.append("spool_key") }
        if a.controlSocketPath != b.controlSocketPath { out.append("control_socket") }
        if a.auditStore != b.auditStore { out.append("audit.store") }
        if a.hostname != b.hostname { out.append("hostname") }
        if a.nodeID != b.nodeID { out.append("node_id") }
        if a.logFormat != b.logFormat || a.logLevel != b.logLevel { out.append("log") }
        if a.usersPath != b.usersPath { out.append("users") }
        if a.dkimDomains != b.dkimDomains { out.append("dkim") }  // the signer loads its keys at start
        // The organisation's signing keys and the cipher table are read once, when the service is made.
        if a.smimeSigning != b.smimeSigning || a.smimeDomainCiphers != b.smimeDomainCiphers { out.append("smime") }
        // The portal's listener, certificate, store, pepper and limits are opened once, at start.
        if a.portal != b.portal { out.append("portal") }
        // The admin listener, its certificate and its token file's path are opened once (the file's
        // contents are read at each request: a removed token stops working at once).
        if a.admin != b.admin { out.append("admin") }
        if a.pgpSigning != b.pgpSigning { out.append("pgp") }
        if a.tlsReporting != b.tlsReporting { out.append("tls_reporting") }
        if a.webhooks != b.webhooks { out.append("webhooks") }
        if a.dnsResolver != b.dnsResolver || a.dnssecMode != b.dnssecMode { out.append("dns") }
        if a.smarthost != b.smarthost || a.deliveryPort != b.deliveryPort || a.retrySteps != b.retrySteps
            || a.retryAfter != b.retryAfter || a.maxLifetime != b.maxLifetime || a.deliveryCAFile != b.deliveryCAFile
            || a.connectTimeout != b.connectTimeout || a.observationsPath != b.observationsPath
            || a.tlsRatchet != b.tlsRatchet || a.tlsRatchetExpiry != b.tlsRatchetExpiry || a.mtaSTSCachePath != b.mtaSTSCachePath {
            out.append("delivery (other than delivery.tls)")
        }
        return out
    }
}
