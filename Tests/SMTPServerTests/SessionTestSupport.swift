// Fixtures for driving SMTPSessionHandler with no socket: a session on a NIOAsyncTestingChannel
// (virtual time), a sink whose commits the test completes by hand, and an in-test certificate.

import Foundation
import Logging
import MailCore
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOSSL
import SMTPProtocol
import XCTest
@testable import SMTPServer

/// A MessageSink that records each message and does not return until the test says how it ends.
final class GatedSink: MessageSink, @unchecked Sendable {
    struct Accepted { let envelope: Envelope; let message: [UInt8] }
    struct Abandoned: Error {}
    private struct State {
        var count = 0
        var unclaimed: [Accepted] = []
        var waiters: [CheckedContinuation<Accepted, Error>] = []
        var gates: [CheckedContinuation<Void, Error>] = []
        var presetOutcomes: [Result<Void, Error>] = []
        var abandoned = false
    }
    private let state = NIOLockedValueBox(State())

    /// How many messages the session has handed over.
    var acceptedCount: Int { state.withLockedValue { $0.count } }

    func accept(envelope: Envelope, message: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (gate: CheckedContinuation<Void, Error>) in
            let item = Accepted(envelope: envelope, message: message)
            let (waiter, outcome) = state.withLockedValue { (s: inout State) -> (CheckedContinuation<Accepted, Error>?, Result<Void, Error>?) in
                s.count += 1
                var waiter: CheckedContinuation<Accepted, Error>?
                if s.waiters.isEmpty { s.unclaimed.append(item) } else { waiter = s.waiters.removeFirst() }
                if s.abandoned { return (waiter, .failure(Abandoned())) }
                if !s.presetOutcomes.isEmpty { return (waiter, s.presetOutcomes.removeFirst()) }
                s.gates.append(gate)
                return (waiter, nil)
            }
            waiter?.resume(returning: item)
            if let outcome { gate.resume(with: outcome) }
        }
    }

    /// Waits until the session hands over its next message (returns at once if one is waiting).
    func nextMessage() async throws -> Accepted {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Accepted, Error>) in
            let ready = state.withLockedValue { (s: inout State) -> Result<Accepted, Error>? in
                if !s.unclaimed.isEmpty { return .success(s.unclaimed.removeFirst()) }
                if s.abandoned { return .failure(Abandoned()) }
                s.waiters.append(waiter)
                return nil
            }
            if let ready { waiter.resume(with: ready) }
        }
    }

    /// Ends the oldest commit in progress (or the next one to start): stored, or `error` thrown.
    func finish(throwing error: Error? = nil) {
        let outcome: Result<Void, Error> = error.map { .failure($0) } ?? .success(())
        let gate = state.withLockedValue { (s: inout State) -> CheckedContinuation<Void, Error>? in
            guard !s.gates.isEmpty else { s.presetOutcomes.append(outcome); return nil }
            return s.gates.removeFirst()
        }
        gate?.resume(with: outcome)
    }

    /// Releases every waiter with an error (the harness's watchdog: a broken test fails, it does not hang).
    func abandon() {
        let (gates, waiters) = state.withLockedValue { (s: inout State) -> ([CheckedContinuation<Void, Error>], [CheckedContinuation<Accepted, Error>]) in
            s.abandoned = true
            defer { s.gates = []; s.waiters = [] }
            return (s.gates, s.waiters)
        }
        gates.forEach { $0.resume(throwing: Abandoned()) }
        waiters.forEach { $0.resume(throwing: Abandoned()) }
    }
}

struct RefusingAuthenticator: Authenticator {
    func verify(username: String, password: String, client: String) async -> AuthResult { .failure }
}

/// Accepts alice with any password; she may send as alice@example.org.
struct AcceptingAuthenticator: Authenticator {
    func verify(username: String, password: String, client: String) async -> AuthResult {
        username == "alice" ? .success(user: "alice", allowedSenders: [try? MailAddressParser.parse("alice@example.org", allowUTF8: false)].compactMap { $0 })
            : .failure
    }
}

/// One SMTP session on a testing channel: the client's side is `send`, the server's answers `replies`.
final class SessionHarness {
    static let hostname = "mx.test"
    static let clientAddress = "192.0.2.7"
    /// The wall clock the session sees: 2026-11-23 10:00:00 UTC.
    static let fixedNow = Date(timeIntervalSince1970: 1_795_428_000)

    let channel: NIOAsyncTestingChannel
    let sink: GatedSink
    private let watchdog: Task<Void, Never>

    /// A client outside the trusted networks (192.0.2.0/24).
    static let untrustedAddress = "198.51.100.7"

    static func settings(commandTimeout: Double = 300, dataTimeout: Double = 600, tlsContext: NIOSSLContext? = nil,
                         maxConnections: Int = 10, reservedConnections: Int = 0, maxConnectionsPerIP: Int = 10,
                         stressCommandTimeout: Double = 10) -> InboundSettings {
        InboundSettings(hostname: hostname, nodeID: 1, maxMessageSize: 1 << 20, maxRecipients: 10, maxDataLineLength: 1000,
                        trustedNetworks: [IPNetwork("192.0.2.0/24")].compactMap { $0 }, normalizeBareNewlineNetworks: [],
                        commandTimeout: commandTimeout, dataTimeout: dataTimeout, maxConnections: maxConnections,
                        maxConnectionsPerIP: maxConnectionsPerIP, reservedConnections: reservedConnections,
                        stressCommandTimeout: stressCommandTimeout, tlsContext: tlsContext)
    }

    /// Connects a client to a fresh session; the greeting is left unread. Sessions that share a
    /// `registry` count toward the same connection limits.
    init(tls: ListenerTLSMode = .none, auth: AuthMode = .none, settings: InboundSettings = SessionHarness.settings(),
         sink: GatedSink = GatedSink(), registry: ConnectionRegistry = ConnectionRegistry(),
         client: String = SessionHarness.clientAddress, authenticator: Authenticator = RefusingAuthenticator(),
         logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) async throws {
        let channel = NIOAsyncTestingChannel()
        self.channel = channel
        self.sink = sink
        let handler = SMTPSessionHandler(
            listener: ListenerSettings(name: "mx", host: "127.0.0.1", port: 25, tls: tls, auth: auth),
            settings: settings, sink: sink, authenticator: authenticator, registry: registry,
            now: { SessionHarness.fixedNow }, logger: logger, implicitTLSObserver: nil)
        // Failure path only: a session that never answers closes the channel and frees the sink's
        // waiters, so the awaiting test fails instead of hanging. Passing tests finish long before.
        watchdog = Task {
            try? await Task.sleep(nanoseconds: 30_000_000_000)
            guard !Task.isCancelled else { return }
            sink.abandon()
            channel.close(promise: nil)
        }
        let address = try SocketAddress(ipAddress: client, port: 40025)
        try await channel.testingEventLoop.executeInContext {
            channel.remoteAddress = address
            try channel.pipeline.syncOperations.addHandler(handler)
        }
        try await channel.connect(to: address).get()
    }

    deinit { watchdog.cancel() }

    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything the server has written so far (possibly nothing), without waiting.
    func replies() async throws -> String {
        var text = ""
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    /// Waits for the server's next write (one flush may carry several replies) and returns all of it.
    func nextReplies() async throws -> String {
        let first = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        return String(buffer: first) + (try await replies())
    }

    /// Sends `text` and returns what the server answered to it at once.
    func exchange(_ text: String) async throws -> String {
        try await send(text)
        return try await replies()
    }

    func advance(seconds: Int64) async {
        await channel.testingEventLoop.advanceTime(by: .seconds(seconds))
    }

    var isActive: Bool { channel.isActive }

    /// Closes the session and lets any timer it left (a TLS shutdown timeout) run out, so the
    /// loop is freed with nothing pending.
    func close() async {
        watchdog.cancel()
        channel.close(promise: nil)
        await channel.testingEventLoop.advanceTime(by: .seconds(3600))
    }
}


/// Log lines as "level message", for the tests that check what a session logs.
final class RecordedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var all: [String] { lines.withLockedValue { $0 } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in RecordingLogHandler(lines: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let lines: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message)")
    }
}
