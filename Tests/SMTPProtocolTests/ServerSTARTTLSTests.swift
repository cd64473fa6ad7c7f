// Server state machine and STARTTLS (RFC 3207): the 220 + startTLS actions, discarding
// pipelined plaintext (injection), and the full reset that requires EHLO again.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerSTARTTLSTests: XCTestCase {
    func testInjectedCommandAfterSTARTTLSIsNeverProcessed() {
        var h = ServerHarness()
        h.autoAnswer = false
        h.feed("EHLO c\r\n")
        h.reset()
        h.feed("STARTTLS\r\nMAIL FROM:<x@y.org>\r\n")
        XCTAssertEqual(h.actions, [.send(SMTPReply(220, EnhancedStatus(2, 0, 0), "Ready to start TLS")), .startTLS])
        // Plaintext arriving before the handshake completes is ignored too.
        XCTAssertEqual(h.machine.receive(ByteBuffer(string: "RCPT TO:<z@y.org>\r\n")), [])
        XCTAssertEqual(h.machine.tlsEstablished(), [])
        h.reset()
        h.feed("RCPT TO:<z@y.org>\r\nEHLO c\r\nRCPT TO:<z@y.org>\r\n")
        // No MAIL was accepted: RCPT is out of sequence both before and after the new EHLO.
        XCTAssertEqual(h.codes, [503, 250, 503])
    }

    func testSessionIsResetAfterTLS() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nSTARTTLS\r\n")
        h.reset()
        h.feed("MAIL FROM:<a@b.org>\r\nEHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<d@e.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.codes, [503, 250, 250, 250, 354, 250])
        XCTAssertEqual(h.commits.first?.protocolName, "ESMTPS")
        XCTAssertFalse(h.replies[1].lines.contains("STARTTLS"))
        XCTAssertTrue(h.replies[1].lines.contains("REQUIRETLS"))
    }

    func testSTARTTLSRefusals() {
        var h = ServerHarness(testConfig(starttls: false))
        h.feed("EHLO c\r\nSTARTTLS\r\n")
        XCTAssertEqual(h.lastReply?.code, 502)
        var t = ServerHarness(testConfig(), tls: true)
        t.feed("EHLO c\r\nSTARTTLS\r\n")
        XCTAssertEqual(t.lastReply?.code, 554)
        var s = ServerHarness()
        s.feed("EHLO c\r\nSTARTTLS now\r\n")
        XCTAssertEqual(s.lastReply?.code, 501)
        XCTAssertFalse(s.actions.contains(.startTLS))
    }

    func testTLSEstablishedOutOfTurnIsIgnored() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\n")
        XCTAssertEqual(h.machine.tlsEstablished(), [])
        h.feed("RCPT TO:<d@e.org>\r\n")
        XCTAssertEqual(h.lastReply?.code, 250, "transaction kept")
    }
}
