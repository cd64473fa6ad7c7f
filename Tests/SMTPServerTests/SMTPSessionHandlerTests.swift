// Tests for SMTPSessionHandler on a NIOAsyncTestingChannel (no socket, virtual time): greeting and
// EHLO, the pause while a message commits, sink failures, STARTTLS, timeouts, long lines, bare LF.

import MailCore
import NIOCore
import NIOEmbedded
import NIOSSL
import SMTPProtocol
import TestSupport
import TLSObserver
import XCTest
@testable import SMTPServer

final class SMTPSessionHandlerTests: XCTestCase {
    let greeting = "220 mx.test ESMTP Sealgate\r\n"
    let ehlo = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1048576\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n"
    let envelopeCommands = "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
    let envelopeReplies = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"

    /// A session past the greeting and EHLO, ready for MAIL.
    func openSession(settings: InboundSettings = SessionHarness.settings()) async throws -> SessionHarness {
        let s = try await SessionHarness(settings: settings)
        let hello = try await s.replies()
        XCTAssertEqual(hello, greeting)
        let extensions = try await s.exchange("EHLO client.example\r\n")
        XCTAssertEqual(extensions, ehlo)
        return s
    }

    func testGreetsThenAnswersEHLO() async throws {
        let s = try await SessionHarness()
        let hello = try await s.replies()
        XCTAssertEqual(hello, greeting)
        let extensions = try await s.exchange("EHLO client.example\r\n")
        XCTAssertEqual(extensions, ehlo)
        let helo = try await s.exchange("HELO client.example\r\n")
        XCTAssertEqual(helo, "250 mx.test\r\n")
        await s.close()
    }

    // MARK: the pause while a message commits

    func testNoReplyAndNoInputUntilTheSinkHasStoredTheMessage() async throws {
        let s = try await openSession()
        let accepted = try await s.exchange(envelopeCommands)
        XCTAssertEqual(accepted, envelopeReplies)
        // The dot, with two commands pipelined behind it in the same packet.
        try await s.send("Subject: hello\r\n\r\nbody\r\n.\r\nNOOP\r\nMAIL FROM:<carol@example.org>\r\n")
        let stored = try await s.sink.nextMessage()

        // While the sink works: no 250 yet, later input is held, and the wait is not a client timeout.
        try await s.send("RSET\r\n")
        await s.advance(seconds: 301)
        let meanwhile = try await s.replies()
        XCTAssertEqual(meanwhile, "", "nothing may be answered before the message is stored")
        XCTAssertTrue(s.isActive)

        s.sink.finish()
        let afterwards = try await s.nextReplies()
        XCTAssertEqual(afterwards, "250 2.0.0 Ok: queued as \(stored.envelope.queueID)\r\n"
                       + "250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n250 2.0.0 Ok\r\n",
                       "the 250 with the queue id, then the held commands in order")

        // The Received header is prepended with the injected clock's time; the envelope matches.
        let id = stored.envelope.queueID
        let text = String(decoding: stored.message, as: UTF8.self)
        XCTAssertEqual(text, "Received: from client.example (unknown [192.0.2.7])\r\n"
                       + "\tby mx.test (Sealgate) with ESMTP id \(id);\r\n\tMon, 23 Nov 2026 10:00:00 +0000\r\n"
                       + "Subject: hello\r\n\r\nbody\r\n")
        XCTAssertEqual(stored.envelope.arrival, SessionHarness.fixedNow)
        XCTAssertEqual(stored.envelope.sender?.description, "alice@example.org")
        XCTAssertEqual(stored.envelope.recipients.map(\.address.description), ["bob@example.net"])
        XCTAssertEqual(stored.envelope.size, stored.message.count)
        XCTAssertEqual(stored.envelope.client.address, SessionHarness.clientAddress)
        XCTAssertEqual(stored.envelope.client.port, 40025)
        XCTAssertEqual(stored.envelope.client.helo, "client.example")
        XCTAssertEqual(stored.envelope.client.listener, "mx")

        // Once answered, the idle clock runs again.
        await s.advance(seconds: 301)
        let timedOut = try await s.replies()
        XCTAssertEqual(timedOut, "421 4.4.2 mx.test Error: timeout exceeded\r\n")
        XCTAssertFalse(s.isActive)
        await s.close()
    }

    func testSinkFailuresAreAnsweredWithTheirCodesAndTheSessionContinues() async throws {
        struct DiskGone: Error {}
        let cases: [(Error, String)] = [
            (DeliveryError(EnhancedStatus(4, 3, 0), "Spool busy"), "451 4.3.0 Spool busy\r\n"),
            (DeliveryError(EnhancedStatus(5, 3, 4), "Too big for the spool"), "554 5.3.4 Too big for the spool\r\n"),
            (DeliveryError(EnhancedStatus(5, 7, 1), "policy", reply: SMTPReply(550, EnhancedStatus(5, 7, 1), "Refused by policy")),
             "550 5.7.1 Refused by policy\r\n"),
            (DiskGone(), "451 4.3.0 Queue file write error\r\n"),
        ]
        let s = try await openSession()
        for (error, expected) in cases {
            let accepted = try await s.exchange(envelopeCommands)
            XCTAssertEqual(accepted, envelopeReplies)
            try await s.send("Subject: x\r\n\r\nbody\r\n.\r\n")
            _ = try await s.sink.nextMessage()
            s.sink.finish(throwing: error)
            let reply = try await s.nextReplies()
            XCTAssertEqual(reply, expected)
        }
        let noop = try await s.exchange("NOOP\r\n")
        XCTAssertEqual(noop, "250 2.0.0 Ok\r\n")
        XCTAssertEqual(s.sink.acceptedCount, cases.count)
        await s.close()
    }

    // MARK: STARTTLS

    func testStartTLSPutsTLSUnderTheSessionAndDropsPlaintextPipelinedBehindIt() async throws {
        let cert = try TestCertificate.make(name: "mx.test", key: .p256)
        defer { cert.remove() }
        let s = try await SessionHarness(tls: .starttls, settings: SessionHarness.settings(tlsContext: try cert.serverContext()))
        _ = try await s.replies()
        let extensions = try await s.exchange("EHLO client.example\r\n")
        XCTAssertTrue(extensions.contains("250-STARTTLS\r\n"), extensions)

        // The injection attempt: commands in the same plaintext packet as STARTTLS.
        let ready = try await s.exchange("STARTTLS\r\nMAIL FROM:<mallory@example.org>\r\nRCPT TO:<victim@example.net>\r\n")
        XCTAssertEqual(ready, "220 2.0.0 Ready to start TLS\r\n")
        let installed = try await s.channel.testingEventLoop.executeInContext {
            let ops = s.channel.pipeline.syncOperations
            return ((try? ops.handler(type: NIOSSLServerHandler.self)) != nil, (try? ops.handler(type: TLSObserverHandler.self)) != nil)
        }
        XCTAssertTrue(installed.0, "NIOSSLServerHandler is in the pipeline after the 220")
        XCTAssertTrue(installed.1, "the TLS observer is in the pipeline after the 220")

        let client = try await TLSClient.connect(to: s.channel)
        // State was reset by the handshake: EHLO again, and the injected MAIL was never run.
        let mail = try await client.exchange("MAIL FROM:<alice@example.org>\r\n")
        XCTAssertEqual(mail, "503 5.5.1 Error: send HELO/EHLO first\r\n")
        let secureExtensions = try await client.exchange("EHLO client.example\r\n")
        XCTAssertFalse(secureExtensions.contains("STARTTLS"), secureExtensions)
        XCTAssertTrue(secureExtensions.hasSuffix("250 REQUIRETLS\r\n"), secureExtensions)
        let transaction = try await client.exchange(envelopeCommands)
        XCTAssertEqual(transaction, envelopeReplies, "MAIL is not nested: the plaintext MAIL was discarded")

        try await client.send("Subject: over TLS\r\n\r\nbody\r\n.\r\n")
        let stored = try await s.sink.nextMessage()
        XCTAssertEqual(stored.envelope.client.protocolName, "ESMTPS")
        XCTAssertNotNil(stored.envelope.client.tls)
        XCTAssertTrue(String(decoding: stored.message, as: UTF8.self).contains("\t(using TLSv1."))
        s.sink.finish()
        let queued = try await client.nextReplies()
        XCTAssertEqual(queued, "250 2.0.0 Ok: queued as \(stored.envelope.queueID)\r\n")
        await client.close()
        await s.close()
    }

    // MARK: timeouts

    func testIdleSessionGets421AtTheCommandTimeoutAndIsClosed() async throws {
        let s = try await openSession(settings: SessionHarness.settings(commandTimeout: 300, dataTimeout: 600))
        await s.advance(seconds: 200)
        let noop = try await s.exchange("NOOP\r\n")
        XCTAssertEqual(noop, "250 2.0.0 Ok\r\n")
        await s.advance(seconds: 299)
        let early = try await s.replies()
        XCTAssertEqual(early, "", "input restarted the clock")
        XCTAssertTrue(s.isActive)
        await s.advance(seconds: 2)
        let timedOut = try await s.replies()
        XCTAssertEqual(timedOut, "421 4.4.2 mx.test Error: timeout exceeded\r\n")
        XCTAssertFalse(s.isActive)
        await s.close()
    }

    func testDataUsesTheDataTimeoutFromThe354On() async throws {
        let s = try await openSession(settings: SessionHarness.settings(commandTimeout: 300, dataTimeout: 600))
        let accepted = try await s.exchange(envelopeCommands)
        XCTAssertEqual(accepted, envelopeReplies)
        await s.advance(seconds: 301)
        let afterCommandTimeout = try await s.replies()
        XCTAssertEqual(afterCommandTimeout, "")
        XCTAssertTrue(s.isActive, "the command timeout does not apply while the message arrives")
        try await s.send("Subject: slow\r\n")
        await s.advance(seconds: 599)
        let early = try await s.replies()
        XCTAssertEqual(early, "")
        await s.advance(seconds: 2)
        let timedOut = try await s.replies()
        XCTAssertEqual(timedOut, "421 4.4.2 mx.test Error: timeout exceeded\r\n")
        XCTAssertFalse(s.isActive)
        XCTAssertEqual(s.sink.acceptedCount, 0, "a message cut off by the timeout is not queued")
        await s.close()
    }

    // MARK: framing

    func testOversizedCommandLineIsDrainedWith500AndTheSessionContinues() async throws {
        let s = try await openSession()
        // Over the 512-octet limit and still unterminated, across several packets: no reply yet.
        try await s.send("NOOP " + String(repeating: "x", count: 600))
        try await s.send(String(repeating: "y", count: 5000))
        let meanwhile = try await s.replies()
        XCTAssertEqual(meanwhile, "")
        let reply = try await s.exchange("\r\nNOOP\r\n")
        XCTAssertEqual(reply, "500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n")
        // A long line that arrives whole is refused the same way.
        let whole = try await s.exchange("MAIL FROM:<" + String(repeating: "z", count: 700) + "@example.org>\r\nNOOP\r\n")
        XCTAssertEqual(whole, "500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n")
        XCTAssertTrue(s.isActive)
        await s.close()
    }

    func testBareLFInDataEndsTheSessionAndNothingIsQueued() async throws {
        let s = try await openSession()
        let accepted = try await s.exchange(envelopeCommands)
        XCTAssertEqual(accepted, envelopeReplies)
        // SMTP smuggling: a bare-LF "end of data" followed by a second, hidden transaction.
        let reply = try await s.exchange("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@example.net>\r\n")
        XCTAssertEqual(reply, "521 5.5.2 mx.test Error: bare <LF> received\r\n")
        XCTAssertFalse(s.isActive)
        XCTAssertEqual(s.sink.acceptedCount, 0)
        await s.close()
    }
}

/// A TLS client on its own testing channel, its bytes carried to and from the session's channel by hand.
final class TLSClient {
    let channel: NIOAsyncTestingChannel
    let server: NIOAsyncTestingChannel

    private init(channel: NIOAsyncTestingChannel, server: NIOAsyncTestingChannel) {
        self.channel = channel; self.server = server
    }

    /// Connects and completes the handshake with the session (which has just sent its 220).
    static func connect(to server: NIOAsyncTestingChannel) async throws -> TLSClient {
        let context = try TestCertificate.trustingClientContext()
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
        }
        try await channel.connect(to: try SocketAddress(ipAddress: "192.0.2.1", port: 25)).get()
        let client = TLSClient(channel: channel, server: server)
        try await client.pump()
        return client
    }

    /// Moves bytes both ways until neither side has anything left to say.
    func pump() async throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try await channel.readOutbound(as: ByteBuffer.self) {
                try await server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try await server.readOutbound(as: ByteBuffer.self) {
                if bytes.readableBytes > 0 { try await channel.writeInbound(bytes) }
                moved = true
            }
        }
    }

    func send(_ text: String) async throws {
        try await channel.writeOutbound(ByteBuffer(string: text))
        try await pump()
    }

    /// The decrypted replies received so far.
    func replies() async throws -> String {
        var text = ""
        while let buffer = try await channel.readInbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    func exchange(_ text: String) async throws -> String {
        try await send(text)
        return try await replies()
    }

    /// Waits for the session's next (encrypted) write, then returns what it decrypts to.
    func nextReplies() async throws -> String {
        let first = try await server.waitForOutboundWrite(as: ByteBuffer.self)
        try await channel.writeInbound(first)
        try await pump()
        return try await replies()
    }

    func close() async {
        channel.close(promise: nil)
        try? await pump()
        await channel.testingEventLoop.advanceTime(by: .seconds(3600))
    }
}
