// Tests for the session side of the connection reserve and stress mode (Postfix's ${stress?…}):
// the reserve is decided at connect by client IP and listener; under stress an untrusted session
// gets the short timeout (also when it was connected before), a per-line deadline (slowloris) and,
// when it starts under stress, an error limit of 1; trusted and submission sessions keep theirs.

import Foundation
import Logging
import MailCore
import NIOCore
import NIOEmbedded
import SMTPProtocol
import TestSupport
import XCTest
@testable import SMTPServer

final class StressModeTests: XCTestCase {
    let greeting = "220 mx.test ESMTP Sealgate\r\n"
    let tooMany = "421 4.7.0 mx.test Too many connections, try again later\r\n"
    let timeout = "421 4.4.2 mx.test Error: timeout exceeded\r\n"
    let untrusted = SessionHarness.untrustedAddress

    final class Filler {}
    private var fillers: [Filler] = []

    /// Takes `n` slots of `registry` as untrusted sessions from their own addresses would.
    private func fill(_ registry: ConnectionRegistry, _ n: Int, limits: ConnectionLimits) {
        let loop = NIOAsyncTestingEventLoop()   // never run: nobody shuts the fillers down
        for i in 0..<n {
            let f = Filler()
            fillers.append(f)
            _ = registry.register(ObjectIdentifier(f), ip: "203.0.113.\(i)", limits: limits, privileged: false,
                                  handle: .init(eventLoop: loop, shutdown: {}))
        }
    }

    /// A registry already at the stress threshold of `settings`.
    private func underStress(_ settings: InboundSettings) -> ConnectionRegistry {
        let registry = ConnectionRegistry()
        fill(registry, settings.connectionLimits.stressThreshold, limits: settings.connectionLimits)
        XCTAssertTrue(registry.underStress)
        return registry
    }

    private func drain(_ registry: ConnectionRegistry) -> [StressChange] {
        defer { fillers = [] }
        return fillers.enumerated().compactMap { i, f in registry.unregister(ObjectIdentifier(f), ip: "203.0.113.\(i)") }
    }

    // MARK: the reserve

    func testOnlyTrustedClientsAndSubmissionMayUseTheReservedSlots() async throws {
        let registry = ConnectionRegistry()
        let settings = SessionHarness.settings(maxConnections: 5, reservedConnections: 2)
        var sessions: [SessionHarness] = []
        for _ in 0..<3 {
            let s = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
            let hello = try await s.replies()
            XCTAssertEqual(hello, greeting)
            sessions.append(s)
        }
        // The unreserved part (3) is full: the next untrusted client is refused before any command.
        let refused = try await SessionHarness(settings: settings, registry: registry, client: "198.51.100.8")
        let refusal = try await refused.replies()
        XCTAssertEqual(refusal, tooMany)
        XCTAssertFalse(refused.isActive)

        // A trusted client, and an untrusted one on a listener that requires AUTH, get the reserve.
        let trusted = try await SessionHarness(settings: settings, registry: registry)
        let trustedHello = try await trusted.replies()
        XCTAssertEqual(trustedHello, greeting)
        let submission = try await SessionHarness(auth: .required, settings: settings, registry: registry, client: "198.51.100.9")
        let submissionHello = try await submission.replies()
        XCTAssertEqual(submissionHello, greeting)
        XCTAssertEqual(registry.count, 5)

        // Now max_connections is reached: even a trusted client is refused.
        let full = try await SessionHarness(settings: settings, registry: registry, client: "192.0.2.8")
        let fullReply = try await full.replies()
        XCTAssertEqual(fullReply, tooMany)

        // Sessions that end give their slots back; privileged ones count toward the unreserved part too.
        await trusted.close()
        await submission.close()
        let stillRefused = try await SessionHarness(settings: settings, registry: registry, client: "198.51.100.10")
        let stillRefusedReply = try await stillRefused.replies()
        XCTAssertEqual(stillRefusedReply, tooMany, "3 live sessions: the unreserved part is still full")
        await sessions[0].close()
        let again = try await SessionHarness(settings: settings, registry: registry, client: "198.51.100.10")
        let againHello = try await again.replies()
        XCTAssertEqual(againHello, greeting)
        for s in sessions[1...] + [refused, full, stillRefused, again] { await s.close() }
        XCTAssertEqual(registry.count, 0)
    }

    // MARK: the stress timeout

    func testStressShortensTheTimeoutOfUntrustedSessionsAlreadyConnected() async throws {
        let registry = ConnectionRegistry()
        let settings = SessionHarness.settings(commandTimeout: 300, maxConnections: 10)   // threshold 8
        let limits = settings.connectionLimits
        let idle = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        let trusted = try await SessionHarness(settings: settings, registry: registry)
        _ = try await idle.replies()
        _ = try await trusted.replies()
        await idle.advance(seconds: 100)
        await trusted.advance(seconds: 100)
        let quiet = try await idle.replies()
        XCTAssertEqual(quiet, "", "no stress yet: the 300s command timeout")

        fill(registry, 6, limits: limits)   // 8 live sessions: stress begins
        XCTAssertTrue(registry.underStress)
        await idle.advance(seconds: 10)
        let cut = try await idle.replies()
        XCTAssertEqual(cut, timeout, "idle for 100s, stress began: dropped at the next check, within the stress timeout")
        XCTAssertFalse(idle.isActive)
        await trusted.advance(seconds: 150)
        let trustedQuiet = try await trusted.replies()
        XCTAssertEqual(trustedQuiet, "", "a trusted session keeps the normal timeout under stress")
        XCTAssertTrue(trusted.isActive)
        await trusted.advance(seconds: 51)
        let trustedTimeout = try await trusted.replies()
        XCTAssertEqual(trustedTimeout, timeout, "and gets it at 300s")
        _ = drain(registry)
        await idle.close()
        await trusted.close()
    }

    func testUnderStressAnIdleUntrustedSessionIsDroppedAtTheStressTimeoutAndAfterItTheNormalOneApplies() async throws {
        let settings = SessionHarness.settings(commandTimeout: 300, maxConnections: 10, stressCommandTimeout: 10)
        let registry = underStress(settings)
        let s = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        _ = try await s.replies()
        let ehlo = try await s.exchange("EHLO client.example\r\n")
        XCTAssertTrue(ehlo.hasPrefix("250-mx.test"))
        await s.advance(seconds: 9)
        let early = try await s.replies()
        XCTAssertEqual(early, "")
        await s.advance(seconds: 2)
        let cut = try await s.replies()
        XCTAssertEqual(cut, timeout)
        await s.close()

        let later = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        _ = try await later.replies()
        let ended = drain(registry)
        XCTAssertEqual(ended.map(\.began), [false], "stress ends once, when live sessions drop below the threshold")
        await later.advance(seconds: 60)
        let stillThere = try await later.replies()
        XCTAssertEqual(stillThere, "", "stress is over: the 300s command timeout again")
        XCTAssertTrue(later.isActive)
        await later.close()
    }

    func testSubmissionSessionsKeepTheNormalTimeoutUnderStress() async throws {
        let settings = SessionHarness.settings(commandTimeout: 300, maxConnections: 10)
        let registry = underStress(settings)
        let s = try await SessionHarness(auth: .required, settings: settings, registry: registry, client: untrusted)
        _ = try await s.replies()
        await s.advance(seconds: 200)
        let quiet = try await s.replies()
        XCTAssertEqual(quiet, "")
        XCTAssertTrue(s.isActive)
        _ = drain(registry)
        await s.close()
    }

    // MARK: the per-record deadline

    func testUnderStressBytesWithoutALineEndDoNotExtendTheDeadline() async throws {
        let settings = SessionHarness.settings(commandTimeout: 300, maxConnections: 10, stressCommandTimeout: 10)
        let registry = underStress(settings)
        let slow = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        _ = try await slow.replies()
        // Slowloris: one byte a second, never a line end.
        var cut = ""
        var seconds = 0
        for byte in "EHLO slowloris.example" {
            try await slow.send(String(byte))
            await slow.advance(seconds: 1)
            seconds += 1
            cut = try await slow.replies()
            if !cut.isEmpty { break }
        }
        XCTAssertEqual(cut, timeout)
        XCTAssertEqual(seconds, 10, "dropped 10s after the greeting, however many bytes came since")
        XCTAssertFalse(slow.isActive)
        await slow.close()

        // Complete lines do extend it: a NOOP every 8 seconds keeps a session for 40 seconds.
        let steady = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        _ = try await steady.replies()
        for _ in 0..<5 {
            await steady.advance(seconds: 8)
            let noop = try await steady.exchange("NOOP\r\n")
            XCTAssertEqual(noop, "250 2.0.0 Ok\r\n")
        }
        // A line split over two reads counts from its line end, and a partial one does not.
        await steady.advance(seconds: 5)
        try await steady.send("NO")
        await steady.advance(seconds: 4)
        let split = try await steady.exchange("OP\r\nNO")
        XCTAssertEqual(split, "250 2.0.0 Ok\r\n")
        await steady.advance(seconds: 9)
        try await steady.send("O")
        await steady.advance(seconds: 2)
        let partial = try await steady.replies()
        XCTAssertEqual(partial, timeout, "10s after the last line end, the trailing 'NOO' notwithstanding")
        await steady.close()
        _ = drain(registry)
    }

    func testUnderStressTheDeadlineIsPerLineInDataToo() async throws {
        // An untrusted client reaches DATA only after AUTH (over TLS) on a listener that offers it.
        let cert = try TestCertificate.make(name: "mx.test", key: .p256)
        defer { cert.remove() }
        let registry = ConnectionRegistry()
        let settings = SessionHarness.settings(commandTimeout: 300, dataTimeout: 600, tlsContext: try cert.serverContext(),
                                               maxConnections: 10, stressCommandTimeout: 10)
        let s = try await SessionHarness(tls: .starttls, auth: .optional, settings: settings, registry: registry, client: untrusted,
                                         authenticator: AcceptingAuthenticator())
        _ = try await s.replies()
        _ = try await s.exchange("EHLO client.example\r\n")
        let ready = try await s.exchange("STARTTLS\r\n")
        XCTAssertEqual(ready, "220 2.0.0 Ready to start TLS\r\n")
        let client = try await TLSClient.connect(to: s.channel)
        _ = try await client.exchange("EHLO client.example\r\n")
        try await client.send("AUTH PLAIN \(Data("\0alice\0pw".utf8).base64EncodedString())\r\n")
        // The check runs off the loop; its reply may come before or after send() has pumped.
        var authed = ""
        for _ in 0..<2000 where authed.isEmpty {
            try await Task.sleep(nanoseconds: 1_000_000)
            try await client.pump()
            authed = try await client.replies()
        }
        XCTAssertEqual(authed, "235 2.7.0 Authentication successful\r\n")
        let accepted = try await client.exchange("MAIL FROM:<alice@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
        XCTAssertTrue(accepted.hasSuffix("354 End data with <CR><LF>.<CR><LF>\r\n"), accepted)

        fill(registry, 7, limits: settings.connectionLimits)   // 8 live sessions: stress begins mid-message
        XCTAssertTrue(registry.underStress)
        for _ in 0..<3 {
            await s.advance(seconds: 8)
            try await client.send("a line of the message\r\n")
        }
        XCTAssertTrue(s.isActive, "complete lines keep a message going under stress")
        var seconds = 0
        var cut = ""
        for byte in "and a line that never ends" {
            try await client.send(String(byte))
            await s.advance(seconds: 1)
            seconds += 1
            try await client.pump()
            cut = try await client.replies()
            if !cut.isEmpty { break }
        }
        XCTAssertEqual(cut, timeout, "dropped after the stress timeout without a line end, not at the 600s data timeout")
        XCTAssertEqual(seconds, 10)
        XCTAssertEqual(s.sink.acceptedCount, 0)
        await client.close()
        await s.close()
        _ = drain(registry)
    }

    func testWithoutStressEveryByteStillRestartsTheClock() async throws {
        let s = try await SessionHarness(settings: SessionHarness.settings(commandTimeout: 30), client: untrusted)
        _ = try await s.replies()
        for byte in "EHLO patient.example" {
            try await s.send(String(byte))
            await s.advance(seconds: 20)
        }
        XCTAssertTrue(s.isActive, "RFC 5321's timeout is per read when the gateway is not under stress")
        await s.close()
    }

    // MARK: the error limit

    func testAnUntrustedSessionThatStartsUnderStressMayMakeOneError() async throws {
        let registry = ConnectionRegistry()
        let settings = SessionHarness.settings(maxConnections: 10)
        let before = try await SessionHarness(settings: settings, registry: registry, client: "198.51.100.20")
        _ = try await before.replies()
        fill(registry, 7, limits: settings.connectionLimits)
        XCTAssertTrue(registry.underStress)

        let s = try await SessionHarness(settings: settings, registry: registry, client: untrusted)
        _ = try await s.replies()
        let reply = try await s.exchange("FROB\r\nNOOP\r\n")
        XCTAssertEqual(reply, "500 5.5.2 Error: command not recognized\r\n421 4.7.0 mx.test Error: too many errors\r\n")
        XCTAssertFalse(s.isActive)

        let trusted = try await SessionHarness(settings: settings, registry: registry)
        _ = try await trusted.replies()
        let trustedReply = try await trusted.exchange("FROB\r\nFROB\r\nNOOP\r\n")
        XCTAssertEqual(trustedReply, "500 5.5.2 Error: command not recognized\r\n500 5.5.2 Error: command not recognized\r\n250 2.0.0 Ok\r\n",
                       "trusted clients keep the normal error limit")

        let beforeReply = try await before.exchange("FROB\r\nNOOP\r\n")
        XCTAssertEqual(beforeReply, "500 5.5.2 Error: command not recognized\r\n250 2.0.0 Ok\r\n",
                       "the limit is set when a session starts (Postfix's stress: it applies to new sessions)")
        for x in [s, trusted, before] { await x.close() }
        _ = drain(registry)
    }

    // MARK: logging

    func testStressBeginningAndEndingAreLoggedOnceEachWithTheCounts() async throws {
        let registry = ConnectionRegistry()
        let log = RecordedLog()
        let settings = SessionHarness.settings(maxConnections: 5, reservedConnections: 1)   // unreserved 4, threshold 4
        fill(registry, 3, limits: settings.connectionLimits)
        let fourth = try await SessionHarness(settings: settings, registry: registry, client: untrusted, logger: log.logger)
        let refused = try await SessionHarness(settings: settings, registry: registry, client: "198.51.100.30", logger: log.logger)
        _ = try await refused.replies()
        await fourth.close()
        await refused.close()
        let stress = log.all.filter { $0.contains("stress mode") }
        XCTAssertEqual(stress, [
            "notice stress mode on: 4 connections in use, threshold 4, limit 5 with 1 reserved; untrusted sessions now get a 10s per-line deadline, and new ones 1 error",
            "notice stress mode off: 3 connections in use, below threshold 4; connections refused while it lasted: 1",
        ])
        XCTAssertTrue(log.all.contains("warning connection limit reached (4 of 5 in use, 1 reserved for trusted networks and submission), refusing unknown[198.51.100.30]"),
                      log.all.joined(separator: "\n"))
        _ = drain(registry)
    }
}
