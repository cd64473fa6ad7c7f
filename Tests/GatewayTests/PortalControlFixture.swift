// The portal control tests' world: a real FilePortalStore (fresh pepper, cheap scrypt, test clock) and
// PortalAdmin behind a real ControlCommands (an idle queue manager on a scratch spool), a recording audit.

import Audit
import Delivery
import Foundation
import Logging
import MailCore
import NIOPosix
@testable import Portal
import Queue
import SMTPServer
import TestSupport
import XCTest
@testable import Gateway

/// Keeps every audit event.
final class RecordingAuditRecorder: AuditRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [AuditEvent] = []

    func record(_ event: AuditEvent) throws { lock.withLock { kept.append(event) } }

    var events: [AuditEvent] { lock.withLock { kept } }
    var portal: [PortalEvent] { events.compactMap { if case .portal(let e) = $0 { return e } else { return nil } } }
}

class PortalControlTestCase: XCTestCase {
    static let body = "HbA1c 6.1%, patient MRN 00123456"
    static let subject = "Your lab results"
    let clock = TestClock()
    let audit = RecordingAuditRecorder()
    let limiter = PortalAttemptLimiter(failuresBeforeLockout: 1, lockoutDuration: 3600)
    let patient = try! MailAddressParser.parse("patient@example.org", allowUTF8: true)
    let other = try! MailAddressParser.parse("someone@example.net", allowUTF8: true)
    let clinic = try! MailAddressParser.parse("doctor@clinic.example", allowUTF8: true)
    var root = ""
    var config: GatewayConfig!
    var pool: NIOThreadPool!
    var group: MultiThreadedEventLoopGroup!
    var store: FilePortalStore!
    var admin: PortalAdmin!
    var commands: ControlCommands!
    var deposits = 0

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "portal-control-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/keys", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pepper = try PortalPepper.create(path: root + "/keys/portal.pepper", randomness: SystemPortalRandomness())
        store = try FilePortalStore(directory: root + "/portal", pepper: pepper, clock: clock, randomness: SystemPortalRandomness(),
                                    passwordHash: PortalPasswordHash(log2Rounds: 10, blockSize: 8, parallelism: 1))
        admin = PortalAdmin(store: store, executor: pool, audit: audit, limiter: limiter, clock: clock)
        config = GatewayConfig.builtInDefaults(baseDirectory: root)
        commands = try makeCommands(portal: admin)
    }

    override func tearDownWithError() throws {
        try group.syncShutdownGracefully()
        try pool.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// ControlCommands as the daemon makes it; the queue manager is never run.
    func makeCommands(portal: PortalAdmin?) throws -> ControlCommands {
        let logger = Logger(label: "portal-control-tests")
        let spool = try Spool(directory: root + "/spool", keyring: try SpoolKeyring.loadOrCreate(path: root + "/keys/spool.key"))
        let manager = try QueueManager(spool: spool, audit: audit, settings: DeliverySettings(smarthostHost: "127.0.0.1", hostname: "test"),
                                       group: group, pool: pool, clock: clock, logger: logger)
        let inbound = InboundSettings(hostname: "test", nodeID: 1, maxMessageSize: 1 << 20, maxRecipients: 10, maxDataLineLength: 998,
                                      trustedNetworks: [], normalizeBareNewlineNetworks: [], commandTimeout: 30, dataTimeout: 30,
                                      maxConnections: 1, maxConnectionsPerIP: 1, tlsContext: nil)
        let reloader = Reloader(running: config, live: LiveInboundSettings(inbound), resolver: nil, clock: clock, logger: logger,
                                audit: audit, applyDelivery: { _ in })
        return ControlCommands(manager: manager, reloader: reloader, audit: audit, pool: pool, logger: logger, portal: portal)
    }

    @discardableResult
    func deposit(to recipient: MailAddress? = nil, nullSender: Bool = false, lifetime: TimeInterval = 30 * 86_400) throws -> PortalMessageMetadata {
        deposits += 1
        let message = Array("Subject: \(Self.subject)\r\n\r\n\(Self.body)\r\n".utf8)
        let request = PortalDepositRequest(queueID: QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: UInt32(deposits)),
                                           sender: nullSender ? nil : clinic, recipient: recipient ?? patient, message: message, lifetime: lifetime)
        return try store.deposit(request).metadata
    }

    /// Locks `key` (the limiter locks at the first failure here).
    func lock(_ key: PortalLimitKey) {
        _ = limiter.recordFailure([key], now: clock.now())
    }

    func run(_ command: String, _ argument: String? = nil, actor: String = "alice") async -> ControlResponse {
        await commands.execute(ControlRequest(command: command, actor: actor, argument: argument))
    }

    /// The response as it goes over the socket.
    func wire(_ response: ControlResponse) -> String { String(decoding: ControlCodec.encodeLine(response), as: UTF8.self) }
}
