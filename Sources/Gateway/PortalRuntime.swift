// PortalRuntime: the portal's object graph in the daemon (docs/portal.md): the pepper file, the
// store, the pickup, the intake behind the ladder's portal rung, admin commands, sweeper, HTTPS server.

import Audit
import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import Portal
import SafeIO
import ServiceLifecycle

struct PortalRuntime {
    let config: PortalConfig
    let intake: PortalIntake
    let admin: PortalAdmin
    let sweeper: PortalExpirySweeper
    let server: any Service
    /// The portal's own threads for password hashing (shut down when the daemon stops).
    let passwordPool: NIOThreadPool
    /// Says once when the HTTPS server's run ends, for whatever reason (the daemon stops if it was not asked to).
    let ended = AsyncStream<Void>.makeStream()

    /// Threads that hash passwords, and how many hashes may run or wait at once before a sign-in is
    /// answered 429 (scrypt's memory is held only while a hash runs: 2 × 128 MiB at the default cost).
    static let passwordThreads = 2
    static let passwordQueueLimit = 16

    /// Opens (or makes) the pepper file and the store (`shared`: in that PostgreSQL, whose running client
    /// the daemon owns; else the `portal.store` directory), and builds the rest. `onRunning` is called once
    /// the HTTPS listener is bound.
    static func make(config: PortalConfig, shared: SharedPostgres?, mailer: any PortalMailer, audit: any AuditRecorder,
                     pool: NIOThreadPool, group: any EventLoopGroup, clock: any WallClock, logger: Logger,
                     onRunning: @escaping @Sendable () async -> Void) throws -> PortalRuntime {
        let randomness = SystemPortalRandomness()
        let pepper = try openPepper(config.pepperPath, randomness: randomness, logger: logger)
        let hash = PortalPasswordHash(log2Rounds: config.passwordCost, blockSize: 8, parallelism: 1)
        let store: any PortalStore
        if let shared {
            store = try PostgresPortalStore(postgres: shared.client, location: shared.location, pepper: pepper, clock: clock,
                                            randomness: randomness, passwordHash: hash, logger: logger)
        } else {
            store = try FilePortalStore(directory: config.storePath, pepper: pepper, clock: clock, randomness: randomness,
                                        passwordHash: hash)
        }
        let templates = try PortalTemplates(overrides: config.templatesPath)
        let composer = PortalMailComposer(templates: templates, organisation: config.organisation, noticeFrom: config.noticeFrom,
                                          clock: clock, randomness: randomness)
        let settings = PortalPickupSettings(baseURL: config.baseURL, organisation: config.organisation, noticeFrom: config.noticeFrom,
                                            sessionLifetime: config.sessionLifetime, codeLifetime: config.codeLifetime,
                                            codesPerHour: config.codesPerHour, failuresBeforeLockout: config.lockoutFailures,
                                            lockoutDuration: config.lockoutDuration, replyMaxSize: config.replyMaxSize,
                                            replyMaxAttachments: config.replyMaxAttachments)
        // scrypt never runs on the daemon's pool: a flood of sign-ins would hold the threads spool
        // commits and audit appends wait for.
        let passwordPool = NIOThreadPool(numberOfThreads: passwordThreads)
        passwordPool.start()
        let passwords = PortalPasswordExecutor(base: passwordPool, maxInFlight: passwordQueueLimit)
        let pickup = PortalPickup(store: store, executor: pool, mailer: mailer, composer: composer, audit: audit, pepper: pepper,
                                  settings: settings, clock: clock, randomness: randomness, passwordExecutor: passwords,
                                  logger: logger)
        let intake = PortalIntake(store: store, executor: pool, mailer: mailer, composer: composer, audit: audit, pepper: pepper,
                                  settings: settings, logger: logger)
        let admin = PortalAdmin(store: store, executor: pool, audit: audit, limiter: pickup.limiter, clock: clock)
        let sweeper = PortalExpirySweeper(store: store, executor: pool, audit: audit, clock: clock,
                                          interval: config.sweepInterval, logger: logger)
        var serverSettings = PortalServerSettings(host: config.host, port: config.port, certificatePath: config.certificatePath,
                                                  keyPath: config.keyPath, replyMaxSize: config.replyMaxSize,
                                                  replyMaxAttachments: config.replyMaxAttachments)
        // Browsers all speak ECDHE with an AEAD: the portal never needs the wider list.
        serverSettings.cipherSuites = InboundCipherPolicy.forwardSecretSuites
        let server: any Service
        do {
            server = try PortalServer.make(settings: serverSettings, pickup: pickup, templates: templates, logger: logger,
                                           eventLoopGroup: group, onServerRunning: { _ in await onRunning() })
        } catch {
            passwordPool.shutdownGracefully { _ in }
            throw error
        }
        return PortalRuntime(config: config, intake: intake, admin: admin, sweeper: sweeper, server: server,
                             passwordPool: passwordPool)
    }

    /// The pepper from its 0600 file; on the first start (no file yet) a new one is made and said so.
    static func openPepper(_ path: String, randomness: any PortalRandomness, logger: Logger) throws -> PortalPepper {
        if FileManager.default.fileExists(atPath: path) { return try PortalPepper.load(path: path) }
        try SafeIO.makeDirectory((path as NSString).deletingLastPathComponent, mode: 0o700, parents: true, tighten: false)
        let pepper = try PortalPepper.create(path: path, randomness: randomness)
        logger.notice("portal: made a new pepper file \(path) (0600); every node that serves this store needs a copy")
        return pepper
    }
}

/// The portal's HTTPS server did not start; the daemon does not start without it.
struct PortalStartError: Error, CustomStringConvertible {
    let address: String
    let error: (any Error)?
    /// The server had been serving and stopped on its own (the daemon then shut down).
    var afterStart = false
    var description: String {
        if afterStart { return "portal: the HTTPS server on \(address) stopped while serving; the daemon shut down" }
        return "portal: cannot serve on \(address)" + (error.map { ": \($0)" } ?? ": the server stopped before it was ready")
    }
}
