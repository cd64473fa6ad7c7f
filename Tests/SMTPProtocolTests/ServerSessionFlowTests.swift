// Server state machine: the basic session (greeting, EHLO/HELO, MAIL, RCPT, DATA, commit, QUIT),
// the simple commands, sequence and syntax errors, and reply encoding.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerSessionFlowTests: XCTestCase {
    func testGreetingHasNoEnhancedStatus() {
        let h = ServerHarness()
        XCTAssertEqual(h.replies, [SMTPReply(220, nil, "gw.example.test ESMTP Sealgate")])
    }

    func testEHLOBeforeTLSOffersSTARTTLSButNotAUTH() {
        var h = ServerHarness(testConfig(auth: .optional))
        h.feed("EHLO client.example\r\n")
        let lines = h.lastReply?.lines ?? []
        XCTAssertEqual(h.lastReply?.code, 250)
        XCTAssertNil(h.lastReply?.status)
        XCTAssertEqual(lines.first, "gw.example.test")
        for keyword in ["PIPELINING", "SIZE 10000", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN", "STARTTLS"] {
            XCTAssertTrue(lines.contains(keyword), "missing \(keyword)")
        }
        XCTAssertFalse(lines.contains { $0.hasPrefix("AUTH") })
        XCTAssertFalse(lines.contains("REQUIRETLS"))
    }

    func testEHLOOverTLSOffersAUTHAndREQUIRETLSButNotSTARTTLS() {
        var h = ServerHarness(testConfig(auth: .optional), tls: true)
        h.feed("EHLO client.example\r\n")
        let lines = h.lastReply?.lines ?? []
        XCTAssertTrue(lines.contains("AUTH PLAIN LOGIN"))
        XCTAssertTrue(lines.contains("REQUIRETLS"))
        XCTAssertFalse(lines.contains("STARTTLS"))
    }

    func testEHLOWithoutSTARTTLSConfiguredOrAuthNone() {
        var h = ServerHarness(testConfig(auth: .none, starttls: false), tls: true)
        h.feed("EHLO c\r\n")
        let lines = h.lastReply?.lines ?? []
        XCTAssertFalse(lines.contains("STARTTLS"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("AUTH") })
        var plain = ServerHarness(testConfig(starttls: false))
        plain.feed("EHLO c\r\n")
        XCTAssertFalse((plain.lastReply?.lines ?? []).contains("STARTTLS"))
    }

    func testFullTransactionCommitsExactMessage() {
        var h = ServerHarness()
        h.feed("EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
        XCTAssertEqual(h.codes, [220, 250, 250, 250, 354])
        XCTAssertEqual(h.replies[2].status, EnhancedStatus(2, 1, 0))
        XCTAssertEqual(h.replies[3].status, EnhancedStatus(2, 1, 5))
        h.feed("Subject: hi\r\n\r\n..dotted\r\nbody\r\n.\r\n")
        XCTAssertEqual(h.commits.count, 1)
        let t = h.commits[0]
        XCTAssertEqual(t.helo, "client.example")
        XCTAssertEqual(t.protocolName, "ESMTP")
        XCTAssertEqual(t.sender, address("a@example.org"))
        XCTAssertEqual(t.recipients.map(\.address), [address("b@example.net")])
        XCTAssertEqual(String(buffer: t.data), "Subject: hi\r\n\r\n.dotted\r\nbody\r\n")
        XCTAssertEqual(h.lastReply, SMTPReply(250, EnhancedStatus(2, 0, 0), "Ok: queued as \(testQueueID)"))
        h.feed("QUIT\r\n")
        XCTAssertEqual(h.lastReply?.code, 221)
        XCTAssertEqual(h.actions.last, .close)
    }

    func testCommitPausesInputUntilResult() {
        var h = ServerHarness()
        h.autoAnswer = false
        h.feed("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\nNOOP\r\n")
        XCTAssertEqual(h.commits.count, 1)
        XCTAssertNil(h.commits.first?.sender)
        XCTAssertEqual(h.actions.last.map { if case .commit = $0 { return true } else { return false } }, true)
        XCTAssertFalse(h.machine.isIdle)
        h.absorb(h.machine.commitResult(.success(testQueueID)))
        XCTAssertEqual(h.codes.suffix(2), [250, 250])
        XCTAssertEqual(h.replies.suffix(2).first?.lines.first, "Ok: queued as \(testQueueID)")
        XCTAssertTrue(h.machine.isIdle)
    }

    func testCommitFailureRepliesWithError() {
        var h = ServerHarness()
        h.commitAnswer = .failure(DeliveryError(EnhancedStatus(4, 3, 0), "Error: queue file write error"))
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.lastReply, SMTPReply(451, EnhancedStatus(4, 3, 0), "Error: queue file write error"))
        var p = ServerHarness()
        let reply = SMTPReply(554, EnhancedStatus(5, 7, 1), "rejected by policy")
        p.commitAnswer = .failure(DeliveryError(EnhancedStatus(5, 7, 1), "policy", reply: reply))
        p.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\nMAIL FROM:<a@b.org>\r\n")
        XCTAssertEqual(p.replies.suffix(2).first, reply)
        XCTAssertEqual(p.lastReply?.code, 250, "session continues after a refused message")
    }

    func testHELOGivesSMTPProtocolAndRejectsParameters() {
        var h = ServerHarness()
        h.feed("HELO legacy\r\nMAIL FROM:<a@b.org> BODY=8BITMIME\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.codes, [220, 250, 555, 250, 250, 354, 250])
        XCTAssertEqual(h.commits.first?.protocolName, "SMTP")
        XCTAssertEqual(h.commits.first?.helo, "legacy")
    }

    func testSimpleCommands() {
        var h = ServerHarness()
        h.feed("NOOP\r\nHELP\r\nVRFY bob\r\nVRFY\r\nEXPN list\r\nFOO bar\r\nrset\r\n")
        XCTAssertEqual(h.replies.dropFirst().map { "\($0.code) \(status($0))" },
                       ["250 2.0.0", "214 2.0.0", "252 2.5.0", "501 5.5.4", "502 5.5.1", "500 5.5.2", "250 2.0.0"])
    }

    func testBadSequence() {
        var h = ServerHarness()
        h.feed("MAIL FROM:<a@b.org>\r\nEHLO c\r\nRCPT TO:<a@b.org>\r\nDATA\r\nMAIL FROM:<a@b.org>\r\nMAIL FROM:<a@b.org>\r\nDATA\r\n")
        XCTAssertEqual(h.replies.dropFirst().map { "\($0.code) \(status($0))" },
                       ["503 5.5.1", "250 none", "503 5.5.1", "503 5.5.1", "250 2.1.0", "503 5.5.1", "503 5.5.1"])
    }

    func testSyntaxErrors() {
        var h = ServerHarness()
        h.feed("EHLO\r\nEHLO c\r\nMAIL FROM:a@b.org\r\nMAIL TO:<a@b.org>\r\nMAIL FROM:<bad@@x>\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<not an address>\r\nRCPT TO:<>\r\nRCPT TO:<x@y.org>\r\nDATA now\r\n")
        XCTAssertEqual(h.replies.dropFirst().map { "\($0.code) \(status($0))" },
                       ["501 5.5.4", "250 none", "501 5.5.4", "501 5.5.4", "501 5.1.7", "250 2.1.0",
                        "501 5.1.3", "501 5.1.3", "250 2.1.5", "501 5.5.4"])
    }

    func testRSETAndEHLOEndTheTransaction() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRSET\r\nRCPT TO:<x@y.org>\r\nMAIL FROM:<a@b.org>\r\nEHLO c\r\nRCPT TO:<x@y.org>\r\n")
        XCTAssertEqual(h.codes, [220, 250, 250, 250, 503, 250, 250, 503])
    }

    func testSourceRouteIsIgnoredAndSpaceAfterColonTolerated() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM: <@relay.example:a@b.org>\r\nRCPT TO:<\"odd > local\"@y.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.commits.first?.sender, address("a@b.org"))
        XCTAssertEqual(h.commits.first?.recipients.first?.address.localPart, "odd > local")
    }

    func testPathLimits() {
        var h = ServerHarness()
        let longLocal = String(repeating: "a", count: 65)
        let longPath = String(repeating: "a", count: 60) + "@" + String(repeating: "b.", count: 100) + "org"
        h.feed("EHLO c\r\nMAIL FROM:<\(longLocal)@b.org>\r\nMAIL FROM:<\(longPath)>\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<\(longLocal)@b.org>\r\n")
        XCTAssertEqual(h.replies.dropFirst(2).map { "\($0.code) \(status($0))" },
                       ["501 5.1.7", "501 5.1.7", "250 2.1.0", "501 5.1.3"])
    }

    func testPostmasterWithoutDomainIsRefused() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<Postmaster>\r\n")
        XCTAssertEqual(h.lastReply?.code, 550)
        XCTAssertEqual(h.lastReply?.status, EnhancedStatus(5, 1, 1))
    }

    func testHTTPRequestClosesSession() {
        var h = ServerHarness()
        h.feed("GET / HTTP/1.1\r\nHost: x\r\n")
        XCTAssertEqual(h.lastReply?.code, 521)
        XCTAssertEqual(h.actions.last, .close)
    }

    func testTooManyErrorsCloses() {
        var h = ServerHarness()
        h.feed(String(repeating: "BOGUS\r\n", count: 25))
        XCTAssertEqual(h.codes.filter { $0 == 500 }.count, 20)
        XCTAssertEqual(h.lastReply?.code, 421)
        XCTAssertEqual(h.actions.last, .close)
        XCTAssertEqual(h.machine.receive(ByteBuffer(string: "NOOP\r\n")), [])
    }

    func testInvalidUTF8CommandIsRefused() {
        var h = ServerHarness()
        h.feed(bytes: Array("EHLO c\r\nMAIL FROM:<a".utf8) + [0xFF, 0xFE] + Array("@b.org>\r\nNOOP\r\n".utf8))
        XCTAssertEqual(h.codes, [220, 250, 500, 250])
    }

    func testReplyEncoding() {
        let multi = SMTPReply(250, EnhancedStatus(2, 0, 0), ["first", "second", "last"])
        XCTAssertEqual(multi.encoded(), "250-2.0.0 first\r\n250-2.0.0 second\r\n250 2.0.0 last\r\n")
        var buffer = ByteBuffer()
        encode(SMTPReply(334, nil, ""), into: &buffer)
        XCTAssertEqual(String(buffer: buffer), "334 \r\n")
        XCTAssertEqual(SMTPReply(550, EnhancedStatus(5, 1, 1), "a\r\nb").encoded(), "550 5.1.1 a b\r\n")
        XCTAssertEqual(SMTPReply(250, nil, ["host", "PIPELINING"]).encoded(), "250-host\r\n250 PIPELINING\r\n")
    }
}
