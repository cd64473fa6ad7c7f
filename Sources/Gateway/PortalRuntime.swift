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

    /// Opens (or makes) the pepper file and the store, and builds the rest. `onRunning` is called once
    /// the HTTPS listener is bound.
    static func make(config: PortalConfig, mailer: any PortalMailer, audit: any AuditRecorder, pool: NIOThreadPool,
                     group: any EventLoopGroup, clock: any WallClock, logger: Logger,
                     onRunning: @escaping @Sendable () async -> Void) throws -> PortalRuntime {
        let randomness = SystemPortalRandomness()
        let pepper = try openPepper(config.pepperPath, randomness: randomness, logger: logger)
        let store = try FilePortalStore(directory: config.storePath, pepper: pepper, clock: clock, randomness: randomness,
                                        passwordHash: PortalPasswordHash(log2Rounds: config.passwordCost, blockSize: 8, parallelism: 1))
        let templates = try PortalTemplates(overrides: config.templatesPath)
        let composer = PortalMailComposer(templates: templates, organisation: config.organisation, noticeFrom: config.noticeFrom,
                                          clock: clock, randomness: randomness)
        let settings = PortalPickupSettings(baseURL: config.baseURL, organisation: config.organisation, noticeFrom: config.noticeFrom,
                                            sessionLifetime: config.sessionLifetime, codeLifetime: config.codeLifetime,
                                            codesPerHour: config.codesPerHour, failuresBeforeLockout: config.lockoutFailures,
                                            lockoutDuration: config.lockoutDuration, replyMaxSize: config.replyMaxSize,
                                            replyMaxAttachments: config.replyMaxAttachments)
        let pickup = PortalPickup(store: store, executor: pool, mailer: mailer, composer: composer, audit: audit, pepper: pepper,
                                  settings: settings, clock: clock, randomness: randomness, logger: logger)
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
        let server = try PortalServer.make(settings: serverSettings, pickup: pickup, templates: templates, logger: logger,
                                           eventLoopGroup: group, onServerRunning: { _ in await onRunning() })
        return PortalRuntime(config: config, intake: intake, admin: admin, sweeper: sweeper, server: server)
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
    var description: String {
        "portal: cannot serve on \(address)" + (error.map { ": \($0)" } ?? ": the server stopped before it was ready")
    }
}
