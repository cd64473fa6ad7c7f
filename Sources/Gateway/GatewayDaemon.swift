// GatewayDaemon: builds the concrete object graph from a GatewayConfig and runs it as one
// ServiceLifecycle service: spool recovery, audit, listeners, queue manager, control socket.
// It owns the one event loop group, the thread pool for blocking work, the DNS pool and the clock.

import Audit
import Delivery
import DNS
import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import NIOSSL
import PHIScanner
import Policy
import Prometheus
import Queue
import SafeIO
import ServiceLifecycle
import SMTPProtocol
import SMTPServer
import TLSPolicy

public final class GatewayDaemon: Service, @unchecked Sendable {
    private let config: GatewayConfig
    private let logger: Logger
    /// How long sessions get to finish after SIGTERM before they are cut off.
    private let shutdownGrace: TimeInterval = 30

    /// The portal rung's sink; nil until the portal exists (then `otherwise: portal` defers).
    private let portal: (any PortalSink)?

    public init(config: GatewayConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        self.portal = nil
    }

    /// For the end-to-end tests: the portal rung hands off to a sink that records each hand-off.
    init(config: GatewayConfig, logger: Logger, portal: (any PortalSink)?) {
        self.config = config
        self.logger = logger
        self.portal = portal
    }

    public func run() async throws {
        // Every socket (listeners, SMTP client, MTA-STS HTTPS, control) runs on this group.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        // Blocking work (fsync, SQLite, PBKDF2, control commands) runs here, never on an event loop.
        let pool = NIOThreadPool(numberOfThreads: max(8, System.coreCount * 4))
        // ldns exchanges (each may block up to its 5 s timeout) get a pool of their own, so a
        // stalled resolver cannot keep spool commits and settles waiting behind DNS.
        let dnsPool = NIOThreadPool(numberOfThreads: Self.dnsPoolSize(deliveryConcurrency: config.deliveryConcurrency))
        pool.start()
        dnsPool.start()
        do {
            try await run(group: group, pool: pool, dnsPool: dnsPool, clock: SystemClock())
        } catch {
            await Self.shutDown(group: group, pools: [pool, dnsPool])
            throw error
        }
        await Self.shutDown(group: group, pools: [pool, dnsPool])
        logger.info("stopped")
    }

    /// Half the delivery concurrency (each delivery asks DNS before it connects), 4 to 32 threads.
    static func dnsPoolSize(deliveryConcurrency: Int) -> Int {
        min(max(4, deliveryConcurrency / 2), 32)
    }

    private static func shutDown(group: MultiThreadedEventLoopGroup, pools: [NIOThreadPool]) async {
        for pool in pools { try? await pool.shutdownGracefully() }
        try? await group.shutdownGracefully()
    }

    private func run(group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, dnsPool: NIOThreadPool,
                     clock: WallClock) async throws {
        let (policy, warnings) = try PolicyLoading.load(config)
        warnings.forEach { logger.warning("policy: \($0)") }
        let scanner = try PHIScanner(configuration: config.scannerConfiguration, clock: clock)
        let shared = try await openShared(group: group)
        defer { shared?.close() }
        let stores = try openStores(clock: clock, group: group, shared: shared)
        defer { stores.postgres?.close() }
        // The daemon's own registry, served at the admin API's /metrics; nothing global is bootstrapped.
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: PrometheusMetricsFactory(registry: registry))
        metrics.registerAll()
        recordCertificateExpiry(metrics)
        // Every writer records through the outbox; this view of it also counts what it records.
        let counted = MetricsAuditRecorder(base: stores.outbox, metrics: metrics)
        // With `webhooks:`, each final outcome also goes to the endpoints' outboxes (after the audit record).
        let webhooks = try WebhookRuntime.make(config: config, base: counted, group: group, clock: clock, metrics: metrics,
                                               logger: logger)
        let audit: any AuditRecorder = webhooks?.recorder ?? counted as any AuditRecorder
        let resolver = makeResolver(pool: dnsPool, clock: clock, metrics: metrics)
        let fetcher = try MTASTSFetcher(extraCAFile: config.deliveryCAFile, group: group, logger: logger)
        let mtaSTSFetcher = MetricsMTASTSFetcher(base: fetcher, metrics: metrics)
        let mtaSTS = shared.map { MTASTSClient(resolver: resolver, fetcher: mtaSTSFetcher, cache: $0.mtaSTSCache(logger: logger),
                                               logger: logger, clock: clock) }
            ?? MTASTSClient(resolver: resolver, fetcher: mtaSTSFetcher, cacheDirectory: config.mtaSTSCachePath, pool: pool,
                            logger: logger, clock: clock)
        let routing = try deliveryRouting(resolver, mtaSTS: mtaSTS, clock: clock, shared: shared)
        var delivery = deliverySettings()
        // DKIM keys are read here, once: a reload does not change them (restart to change keys).
        if !config.dkimDomains.isEmpty { delivery.signer = try DKIMOutboundSigner(domains: config.dkimDomains, logger: logger) }
        // The key store is read at each lookup (key imports and removals apply at once); the
        // organisation's signing keys are read here, once (restart to change them).
        let encryption = try RecipientEncryptionService(config: config, logger: logger)
        let inbound = LiveInboundSettings(try InboundSettingsBuilder(config: config, resolver: resolver, metrics: metrics)
            .build(policy: policy, scanner: scanner))
        // The sink wakes the queue manager, which is made after it: the portal's mail goes through the
        // sink, and the manager's portal rung needs the portal.
        let commits = CommitSignal()
        let sink = SpoolSink(spool: stores.spool, audit: audit, pool: pool, logger: logger,
                             hostname: config.hostname, node: config.nodeID, clock: clock,
                             refuseUnrecorded: config.auditWhenUnwritable == .refuse, onCommitted: { commits.fire($0) })
        // The shared PostgreSQL's pool runs from here on: the portal store's schema and pepper check use it at once.
        // The portal store uses the shared store's one client (SharedState runs it until close()).
        let portalDB = shared.map { SharedPostgres(location: $0.database.location, client: $0.database.client) }
        let portalBound = AsyncStream<Bool>.makeStream()
        let portalRuntime = try config.portal.map { portal in
            try PortalRuntime.make(config: portal, shared: portalDB, mailer: SpoolPortalMailer(sink: sink, inbound: inbound, hostname: config.hostname,
                                                                             node: config.nodeID, clock: clock, logger: logger),
                                   audit: audit, pool: pool, group: group, clock: clock, logger: logger,
                                   onRunning: { portalBound.continuation.yield(true) })
        }
        defer { portalRuntime?.passwordPool.shutdownGracefully { _ in } }
        let tlsReports = config.tlsReporting.flatMap { reporting -> TLSReportSender? in
            guard let store = stores.audit as? any AuditQuerying else { return nil }
            return TLSReportSender(config: reporting, builder: AuditFacade.tlsReportBuilder(config), hostname: config.hostname,
                                   node: config.nodeID, store: store, resolver: resolver, sink: sink, pool: pool, clock: clock,
                                   logger: logger)
        }
        let portalSink = portal ?? portalRuntime.map { StorePortalSink(intake: $0.intake) as any PortalSink }
        let manager = try QueueManager(spool: stores.spool, audit: audit, settings: delivery,
                                       group: group, pool: pool, clock: clock, logger: logger, routing: routing,
                                       methods: MethodServices(encryption: encryption, portal: portalSink))
        commits.connect { manager.kick($0) }
        let authenticator = AuthThrottle(base: UserAuthenticator(users: stores.users, pool: pool, logger: logger),
                                         limits: config.authThrottle, clock: clock, logger: logger)
        let connections = ConnectionRegistry()
        let reloader = Reloader(running: config, live: inbound, resolver: resolver, clock: clock, logger: logger,
                                audit: audit, metrics: metrics, applyDelivery: { new in
            routing.replaceTLSLevels(DomainTLSLevels(default: new.tlsDefaultLevel, domains: new.tlsDomainLevels))
        })
        // The portal binds before any SMTP listener: a message for the portal rung must find it running.
        let portalServer = try await startPortal(portalRuntime, bound: portalBound)
        let adminData = DaemonAdminData(config: config, spool: stores.spool, manager: manager, outbox: stores.outbox, audit: audit,
                                        pool: pool, registry: registry, metrics: metrics, clock: clock)
        let adminServer: Task<Void, Error>?
        do {
            adminServer = try await startAdmin(data: adminData, group: group)
        } catch {
            await Self.stop(portal: portalServer)
            throw error
        }
        let listeners: [SMTPListener]
        do {
            listeners = try await startListeners(settings: inbound, sink: sink, authenticator: authenticator,
                                                 registry: connections, group: group, clock: clock)
        } catch {
            await Self.stop(portal: portalServer)
            await Self.stop(portal: adminServer)
            throw error
        }
        let control = ControlServer(path: config.controlSocketPath,
                                    commands: ControlCommands(manager: manager, reloader: reloader,
                                                              audit: audit, pool: pool, logger: logger,
                                                              portal: portalRuntime?.admin, tlsReports: tlsReports),
                                    group: group, logger: logger)
        do {
            try await control.start()
        } catch {
            await Self.stop(listeners, registry: connections)
            await Self.stop(portal: adminServer)
            await Self.stop(portal: portalServer)
            throw error
        }
        announce("control socket \(config.controlSocketPath)")
        let hangup = ReloadSignal.install { _ = reloader.reload(actor: "SIGHUP") }
        recordConfigLoaded(stores.outbox)
        announce("ready")

        var portalFailed = false
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await manager.run() }
            tasks.addTask { await AuditOutboxDrainer(outbox: stores.outbox, pool: pool, clock: clock).run() }
            if let postgres = stores.postgres, case .postgresql(let settings) = config.auditStore {
                // The pool (reads: the other nodes' heads); the writer has its own, locked, connection.
                tasks.addTask { await postgres.client.run() }
                tasks.addTask {
                    await ChainHeadsPublisher(store: postgres, outbox: stores.outbox, pool: pool, clock: clock,
                                              interval: settings.chainHeadsInterval, logger: self.logger).run()
                }
            }
            if let portalRuntime { tasks.addTask { await portalRuntime.sweeper.run() } }
            if let tlsReports { tasks.addTask { await tlsReports.run() } }
            if let webhooks { tasks.addTask { await webhooks.run() } }
            // Suspends until SIGTERM/SIGINT (ServiceLifecycle), cancellation, or the portal's server ending.
            portalFailed = await Self.untilShutdown(orEndOf: portalServer, ended: portalRuntime?.ended.stream, logger: logger)
            logger.info("shutting down: no new connections; finishing sessions in progress")
            for listener in listeners { await listener.stopAccepting() }
            connections.shutdownAll()
            await waitForSessions(connections)
            await control.stop()
            await Self.stop(portal: adminServer)
            await Self.stop(portal: portalServer)
            tasks.cancelAll()
        }
        hangup.cancel()
        // MTA-STS lookups run in tasks of their own: let them finish before the group goes.
        await mtaSTS.shutdown()
        // A service manager restarts a daemon that fails; one that exits 0 it leaves stopped.
        if portalFailed, let portalRuntime { throw PortalStartError(address: portalRuntime.config.listenDescription, error: nil, afterStart: true) }
    }

    /// Waits for the signal to shut down; true when the portal's server ended first (a failure: the
    /// daemon stops rather than keep queueing mail for a portal nobody can reach).
    private static func untilShutdown(orEndOf portal: Task<Void, Error>?, ended: AsyncStream<Void>?, logger: Logger) async -> Bool {
        await withTaskGroup(of: Bool.self) { waits in
            waits.addTask { (try? await gracefulShutdown()); return false }
            if let portal, let ended {
                waits.addTask {
                    // Iterating ends at cancellation (awaiting the task's result would not).
                    for await _ in ended {
                        // Hummingbird's own service group follows a SIGTERM too: that ending is no failure.
                        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return false }
                        if case .failure(let error) = await portal.result {
                            logger.critical("portal: the HTTPS server stopped: \(error); shutting down")
                        } else {
                            logger.critical("portal: the HTTPS server stopped; shutting down")
                        }
                        return true
                    }
                    return false
                }
            }
            let first = await waits.next() ?? false
            waits.cancelAll()
            return first
        }
    }

    /// Starts every configured listener; if one fails, those already started stop accepting before
    /// the error goes up (and the pools and the group are shut down).
    private func startListeners(settings inbound: LiveInboundSettings, sink: SpoolSink, authenticator: any Authenticator,
                                registry: ConnectionRegistry, group: EventLoopGroup,
                                clock: WallClock) async throws -> [SMTPListener] {
        var started: [SMTPListener] = []
        do {
            for l in config.listeners {
                let settings = ListenerSettings(name: l.name, host: l.host, port: l.port,
                                                tls: ListenerTLSMode(rawValue: l.tls.rawValue) ?? .none,
                                                auth: AuthMode(rawValue: l.auth.rawValue) ?? .required)
                let listener = SMTPListener(listener: settings, settings: inbound, sink: sink, authenticator: authenticator,
                                            registry: registry, group: group, clock: clock, logger: logger)
                try await listener.start()
                started.append(listener)
                announce("listening on \(l.name) \(l.addressDescription) (tls: \(l.tls.rawValue), auth: \(l.auth.rawValue))")
            }
        } catch {
            await Self.stop(started, registry: registry)
            throw error
        }
        return started
    }

    /// Starts the portal's HTTPS server and waits until it is bound (nil: no portal configured). A
    /// server that fails to start (address in use, bad certificate) fails the daemon's start.
    private func startPortal(_ runtime: PortalRuntime?, bound: (stream: AsyncStream<Bool>, continuation: AsyncStream<Bool>.Continuation))
        async throws -> Task<Void, Error>? {
        guard let runtime else { return nil }
        let server = runtime.server
        let ended = runtime.ended
        let task = Task {
            defer {
                bound.continuation.yield(false)
                ended.continuation.yield(())
                ended.continuation.finish()
            }
            try await server.run()
        }
        var events = bound.stream.makeAsyncIterator()
        guard await events.next() == true else {
            if case .failure(let error) = await task.result { throw PortalStartError(address: runtime.config.listenDescription, error: error) }
            throw PortalStartError(address: runtime.config.listenDescription, error: nil)
        }
        announce("portal on \(runtime.config.baseURL) (listening \(runtime.config.listenDescription))")
        return task
    }

    /// Starts the admin API's HTTPS server and waits until it is bound (nil: no `admin:` section).
    private func startAdmin(data: DaemonAdminData, group: any EventLoopGroup) async throws -> Task<Void, Error>? {
        guard let admin = config.admin else { return nil }
        let bound = AsyncStream<Bool>.makeStream()
        let server = try AdminServer.make(config: admin, data: data, logger: logger, eventLoopGroup: group,
                                          onServerRunning: { _ in bound.continuation.yield(true) })
        let task = Task {
            defer { bound.continuation.yield(false) }
            try await server.run()
        }
        var events = bound.stream.makeAsyncIterator()
        guard await events.next() == true else {
            var detail: String?
            if case .failure(let error) = await task.result { detail = "\(error)" }
            throw AdminStartError(address: admin.listenDescription, detail: detail)
        }
        announce("admin API on https://\(admin.listenDescription) (tokens: \(admin.tokensPath))")
        return task
    }

    /// The listeners' certificates' notAfter as gauges (the alert rules warn 14 days ahead).
    private func recordCertificateExpiry(_ metrics: GatewayMetrics) {
        var files: [(String, String)] = []
        if config.listeners.contains(where: { $0.tls != .none }) { files.append(("smtp", config.tlsCertificatePath)) }
        if let portal = config.portal { files.append(("portal", portal.certificatePath)) }
        if let admin = config.admin { files.append(("admin", admin.certificatePath)) }
        for (listener, path) in files {
            guard let leaf = try? NIOSSLCertificate.fromPEMFile(path).first else { continue }
            metrics.certificateNotAfter(listener: listener, unixSeconds: Double(leaf.notValidAfter))
        }
    }

    private static func stop(portal: Task<Void, Error>?) async {
        guard let portal else { return }
        portal.cancel()
        _ = await portal.result
    }

    /// Startup failed after some listeners were up: close them and any session they accepted.
    private static func stop(_ listeners: [SMTPListener], registry: ConnectionRegistry) async {
        for listener in listeners { await listener.stopAccepting() }
        registry.shutdownAll()
    }

    private struct Stores {
        let spool: Spool
        let audit: AuditStore
        /// The same store when it is PostgreSQL (its pool runs as a task; it quotes the other nodes' heads).
        let postgres: PostgresAuditStore?
        /// Every audit write goes through it: a record the store refuses waits here, in order.
        let outbox: AuditOutbox
        let users: any UserDirectory
    }

    private func openStores(clock: WallClock, group: EventLoopGroup, shared: SharedState?) throws -> Stores {
        for dir in [config.spoolPath, SafeIO.directory(of: config.spoolKeyPath)] {
            try SafeIO.makeDirectory(dir, mode: 0o700, parents: true)
        }
        let keyring = try SpoolKeyring.loadOrCreate(path: config.spoolKeyPath)
        let spool = try Spool(directory: config.spoolPath, keyring: keyring)
        let recovery = try spool.recover()
        logger.info("spool \(config.spoolPath): \(recovery.committed.count) message(s) to resume, \(recovery.discarded) incomplete file(s) discarded")
        let audit: AuditStore
        var postgres: PostgresAuditStore?
        switch config.auditStore {
        case .sqlite(let path): audit = try SQLiteAuditStore(path: path, node: config.hostname, clock: clock)
        case .postgresql(let settings):
            let store = try openPostgres(settings, clock: clock, group: group)
            audit = store; postgres = store
        }
        let outbox = try AuditOutbox(store: audit, path: config.auditOutboxPath, clock: clock, log: { [logger] in logger.error("\($0)") })
        let users: any UserDirectory = try shared.map { $0.users } ?? UserStore(path: config.usersPath)
        return Stores(spool: spool, audit: audit, postgres: postgres, outbox: outbox, users: users)
    }

    /// The shared store, its tables made if missing. Unreachable at start does not stop the start:
    /// what needs it then defers (observations) or answers AUTH with a temporary failure until it returns.
    private func openShared(group: EventLoopGroup) async throws -> SharedState? {
        guard let settings = config.sharedStore else { return nil }
        let shared = try SharedState(settings, group: group, logger: logger)
        do {
            try await shared.database.createSchema()
            announce("shared store \(settings.location.description)")
        } catch {
            announce("shared store \(settings.location.description) unreachable (\(error)); TLS observations, MTA-STS cache and users wait for it")
        }
        return shared
    }

    /// Opens the shared audit log and takes this node's locks. A second process with this node's
    /// name or node_id stops the start; PostgreSQL unreachable does not (the outbox keeps the records).
    private func openPostgres(_ settings: PostgresAuditConfig, clock: WallClock, group: EventLoopGroup) throws -> PostgresAuditStore {
        let store = try PostgresAuditStore(location: settings.location, password: try settings.password(), node: config.hostname,
                                           nodeID: config.nodeID, clock: clock, eventLoopGroup: group, logger: logger)
        do {
            if let error = try store.connectAtStart() {
                announce("audit store \(settings.location.description) unreachable (\(PostgresAuditError.describe(error))); "
                         + "records wait in \(settings.outboxPath)")
            } else {
                announce("audit store \(settings.location.description) (node \(config.hostname), node_id \(config.nodeID))")
            }
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// The `config_loaded` admin record: what this start runs with (the files' SHA-256 hashes).
    private func recordConfigLoaded(_ audit: AuditRecorder) {
        let event = AdminEvent(actor: "sealgate serve", action: .configLoaded, detail: "node \(config.hostname)",
                               files: ConfigFileHashes.of(config))
        do { try audit.record(.adminAction(event)) } catch { logger.error("audit record lost for config_loaded: \(error)") }
    }

    /// Without a smarthost, mail goes to the MX hosts (RFC 5321 §5), as Postfix does without a relayhost.
    private func deliverySettings() -> DeliverySettings {
        DeliverySettings(smarthostHost: config.smarthost?.host, smarthostPort: config.smarthost?.port ?? config.deliveryPort,
                         hostname: config.hostname,
                         retry: RetrySchedule(steps: config.retrySteps, thereafter: config.retryAfter,
                                              maxLifetime: config.maxLifetime),
                         extraCAFile: config.deliveryCAFile, connectTimeout: config.connectTimeout,
                         maxConcurrent: config.deliveryConcurrency, node: config.nodeID, port: config.deliveryPort,
                         maxPerDestination: config.destinationConcurrency)
    }

    /// One cached resolver for everything: the configured (validating, loopback) server; its
    /// exchanges run on `pool`, the daemon's DNS-only pool. Failed exchanges are counted.
    private func makeResolver(pool: NIOThreadPool, clock: WallClock, metrics: GatewayMetrics) -> DNS.Resolver {
        let server = config.effectiveDNSResolver() ?? "127.0.0.1:53"
        let ldns = LDNSResolver(server: server, dnssec: DNSSECMode(rawValue: config.dnssecMode) ?? .trustAD, pool: pool, logger: logger)
        return CachingResolver(MetricsResolver(base: ldns, metrics: metrics), clock: clock)
    }

    /// DNS through the given resolver; TLS levels per domain;
    /// MTA-STS; the TLS observations and their optional ratchet.
    private func deliveryRouting(_ resolver: DNS.Resolver, mtaSTS: MTASTSClient, clock: WallClock,
                                 shared: SharedState?) throws -> DeliveryRouting {
        let observations: any TLSObservationStoring = try shared.map { $0.observations(config, clock: clock) }
            ?? TLSObservationStore(directory: config.observationsPath, ratchet: config.tlsRatchet,
                                   expiry: config.tlsRatchetExpiry, clock: clock)
        return DeliveryRouting(
            resolver: resolver,
            tlsLevels: DomainTLSLevels(default: config.tlsDefaultLevel, domains: config.tlsDomainLevels),
            mtaSTS: mtaSTS,
            observations: observations)
    }

    private func waitForSessions(_ registry: ConnectionRegistry) async {
        let deadline = Date().addingTimeInterval(shutdownGrace)
        while registry.count > 0 && Date() < deadline {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        if registry.count > 0 { logger.warning("\(registry.count) session(s) still open after \(Int(shutdownGrace))s; closing") }
    }

    /// Startup lines go to stderr unconditionally: scripts and tests wait for "sealgate: ready".
    private func announce(_ line: String) {
        FileHandle.standardError.write(Data("sealgate: \(line)\n".utf8))
    }
}
