// Server state machine: AUTH PLAIN/LOGIN flows (RFC 4954), their refusals, and relay control
// (trusted networks, authenticated users, sender ownership, auth: required).

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerAuthRelayTests: XCTestCase {
    func tlsHarness(auth: AuthMode = .optional, trusted: Bool = false) -> ServerHarness {
        var h = ServerHarness(testConfig(trusted: trusted, auth: auth), tls: true)
        h.feed("EHLO c\r\n")
        h.reset()
        return h
    }

    func testPlainWithInitialResponse() {
        var h = tlsHarness()
        h.autoAnswer = false
        h.feed("AUTH PLAIN \(base64("\0alice\0s3cret"))\r\nNOOP\r\n")
        XCTAssertEqual(h.actions, [.verifyCredentials(mechanism: "PLAIN", username: "alice", password: "s3cret")],
                       "NOOP waits until the credentials are checked")
        h.absorb(h.machine.authenticationResult(.success(user: "alice", allowedSenders: [address("alice@example.org")])))
        XCTAssertEqual(h.codes, [235, 250])
        XCTAssertEqual(h.replies.first?.status, EnhancedStatus(2, 7, 0))
    }

    func testPlainWithContinuationAndAuthzid() {
        var h = tlsHarness()
        h.feed("AUTH plain\r\n")
        XCTAssertEqual(h.actions, [.send(SMTPReply(334, nil, ""))])
        XCTAssertEqual(h.lastReply?.encoded(), "334 \r\n")
        h.feed("\(base64("alice\0alice\0s3cret"))\r\n")
        XCTAssertEqual(h.lastReply?.code, 235)
    }

    func testLoginTwoSteps() {
        var h = tlsHarness()
        h.feed("AUTH LOGIN\r\n")
        XCTAssertEqual(h.lastReply, SMTPReply(334, nil, "VXNlcm5hbWU6"))
        h.feed("\(base64("alice"))\r\n")
        XCTAssertEqual(h.lastReply, SMTPReply(334, nil, "UGFzc3dvcmQ6"))
        h.feed("\(base64("s3cret"))\r\n")
        XCTAssertEqual(h.actions.filter { if case .verifyCredentials = $0 { return true } else { return false } },
                       [.verifyCredentials(mechanism: "LOGIN", username: "alice", password: "s3cret")])
        XCTAssertEqual(h.lastReply?.code, 235)
        // LOGIN with the username as initial response.
        var i = tlsHarness()
        i.feed("AUTH LOGIN \(base64("alice"))\r\n\(base64("s3cret"))\r\n")
        XCTAssertEqual(i.codes, [334, 235])
    }

    func testCancelBadBase64FailureAndTempfail() {
        var h = tlsHarness()
        h.feed("AUTH LOGIN\r\n*\r\nAUTH PLAIN\r\nnot*base64\r\nAUTH PLAIN \(base64("\0alice\0wrong"))\r\n")
        XCTAssertEqual(h.replies.map { "\($0.code) \(status($0))" },
                       ["334 none", "501 5.0.0", "334 none", "501 5.5.2", "535 5.7.8"])
        var t = tlsHarness()
        t.authAnswerOverride = .temporaryFailure
        t.feed("AUTH PLAIN \(base64("\0alice\0s3cret"))\r\n")
        XCTAssertEqual(t.lastReply.map { "\($0.code) \(status($0))" }, "454 4.7.0")
        // Proxy authorization is refused without asking the backend.
        var p = tlsHarness()
        p.feed("AUTH PLAIN \(base64("bob\0alice\0s3cret"))\r\n")
        XCTAssertEqual(p.lastReply?.code, 535)
        XCTAssertFalse(p.actions.contains { if case .verifyCredentials = $0 { return true } else { return false } })
    }

    func testTooManyAuthFailuresClose() {
        var h = tlsHarness()
        let bad = "AUTH PLAIN \(base64("\0alice\0nope"))\r\n"
        h.feed(bad + bad + bad + "NOOP\r\n")
        XCTAssertEqual(h.codes, [535, 535, 535, 421])
        XCTAssertTrue(h.closed)
    }

    func testAuthRefusals() {
        var plain = ServerHarness(testConfig(auth: .optional))
        plain.feed("EHLO c\r\nAUTH PLAIN \(base64("\0alice\0s3cret"))\r\n")
        XCTAssertEqual(plain.lastReply, SMTPReply(530, EnhancedStatus(5, 7, 0), "Must issue a STARTTLS command first"))
        var disabled = ServerHarness(testConfig(auth: .none), tls: true)
        disabled.feed("EHLO c\r\nAUTH PLAIN\r\n")
        XCTAssertEqual(disabled.lastReply?.code, 503)
        var noEhlo = ServerHarness(testConfig(auth: .optional), tls: true)
        noEhlo.feed("AUTH PLAIN\r\n")
        XCTAssertEqual(noEhlo.lastReply?.code, 503)
        var h = tlsHarness()
        h.feed("AUTH CRAM-MD5\r\nAUTH PLAIN \(base64("\0alice\0s3cret"))\r\nAUTH PLAIN \(base64("\0alice\0s3cret"))\r\n")
        XCTAssertEqual(h.replies.map { "\($0.code) \(status($0))" }, ["504 5.5.4", "235 2.7.0", "503 5.5.1"])
    }

    func testRelayDeniedForUntrustedUnauthenticatedClient() {
        var h = ServerHarness(testConfig(trusted: false))
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\n")
        XCTAssertEqual(h.replies[3], SMTPReply(554, EnhancedStatus(5, 7, 1), "<c@d.org>: Relay access denied"))
        XCTAssertEqual(h.lastReply?.code, 503, "no recipient, no DATA")
    }

    func testAuthenticatedUserMayRelayAsOwnAddressOnly() {
        var h = tlsHarness()
        h.feed("AUTH PLAIN \(base64("\0alice\0s3cret"))\r\n" +
               "MAIL FROM:<mallory@example.org>\r\n" +
               "MAIL FROM:<alice@other.org>\r\n" +
               "MAIL FROM:<Alice@example.org>\r\n" +
               "MAIL FROM:<alice@EXAMPLE.org>\r\n" +
               "RCPT TO:<c@d.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.replies.map { "\($0.code) \(status($0))" },
                       ["235 2.7.0", "553 5.7.1", "553 5.7.1", "553 5.7.1", "250 2.1.0", "250 2.1.5", "354 none", "250 2.0.0"])
        XCTAssertEqual(h.commits.first?.authenticatedUser, "alice")
        XCTAssertEqual(h.commits.first?.protocolName, "ESMTPSA")
    }

    func testAuthRequiredRefusesMAILBeforeAUTH() {
        var h = tlsHarness(auth: .required, trusted: true)
        h.feed("MAIL FROM:<alice@example.org>\r\n")
        XCTAssertEqual(h.lastReply.map { "\($0.code) \(status($0))" }, "530 5.7.0")
        h.feed("AUTH PLAIN \(base64("\0alice\0s3cret"))\r\nMAIL FROM:<alice@example.org>\r\n")
        XCTAssertEqual(h.lastReply?.code, 250)
    }

    func testAuthDuringTransactionIsRefused() {
        var h = tlsHarness(trusted: true)
        h.feed("MAIL FROM:<a@b.org>\r\nAUTH PLAIN \(base64("\0alice\0s3cret"))\r\n")
        XCTAssertEqual(h.lastReply?.code, 503)
    }

    func testBase64Decoder() {
        var h = tlsHarness()
        h.autoAnswer = false
        let password = "p\u{E4}ss w:rd/+?"
        h.feed("AUTH PLAIN \(base64("\0alice\0\(password)"))\r\n")
        XCTAssertEqual(h.actions, [.verifyCredentials(mechanism: "PLAIN", username: "alice", password: password)])
    }
}
