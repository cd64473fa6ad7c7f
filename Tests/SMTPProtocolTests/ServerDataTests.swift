// Server state machine in DATA: the exact CRLF.CRLF terminator, bare LF/CR smuggling variants
// under both policies, draining oversized lines and messages, hop counting, recipient limit.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerDataTests: XCTestCase {
    let opening = "EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\n"

    func session(_ body: String, _ config: SMTPServerConfig = testConfig()) -> ServerHarness {
        var h = ServerHarness(config)
        h.feed(opening + body)
        return h
    }

    func testBareLFSmugglingVariantsAreRejectedAndNothingCommitted() {
        let variants = [
            "Subject: x\r\n\r\nhi\n.\nMAIL FROM:<evil@x.org>\r\n",      // \n.\n
            "Subject: x\r\n\r\nhi\r.\rMAIL FROM:<evil@x.org>\r\n",      // \r.\r
            "Subject: x\r\n\r\nhi\r\n.\nMAIL FROM:<evil@x.org>\r\n",    // \r\n.\n
            "Subject: x\r\n\r\nhi\n.\r\nMAIL FROM:<evil@x.org>\r\n",    // \n.\r\n
            "Subject: x\nbody\r\n.\r\n",                               // bare LF in a header
            "Subject: x\r\n\r\nhalf\r line\r\n.\r\n",                  // bare CR mid-line
        ]
        for body in variants {
            let h = session(body)
            XCTAssertEqual(h.commits.count, 0, body.debugDescription)
            XCTAssertEqual(h.lastReply?.code, 521, body.debugDescription)
            XCTAssertEqual(h.lastReply?.status, EnhancedStatus(5, 5, 2))
            XCTAssertEqual(h.actions.last, .close, body.debugDescription)
        }
        XCTAssertEqual(session("a\nb\r\n.\r\n").lastReply?.lines.first, "gw.example.test Error: bare <LF> received")
    }

    func testNormalizeTurnsBareLFIntoCRLF() {
        let h = session("Subject: x\n\nline one\n..two\r\n.\nNOOP\r\n", testConfig(bareNewline: .normalize))
        XCTAssertEqual(h.commits.count, 1)
        XCTAssertEqual(h.commits.first.map { String(buffer: $0.data) }, "Subject: x\r\n\r\nline one\r\n.two\r\n")
        XCTAssertEqual(h.codes.suffix(2), [250, 250])
        // A bare CR is never normalized: it could still be used to smuggle.
        let cr = session("x\r.\r\n", testConfig(bareNewline: .normalize))
        XCTAssertEqual(cr.lastReply?.code, 521)
        XCTAssertEqual(cr.commits.count, 0)
    }

    func testBareLFInCommandsFollowsPolicy() {
        var h = ServerHarness()
        h.feed("EHLO c\nNOOP\r\n")
        XCTAssertEqual(h.codes, [220, 521])
        XCTAssertTrue(h.closed)
        var n = ServerHarness(testConfig(bareNewline: .normalize))
        n.feed("EHLO c\nNOOP\r\n")
        XCTAssertEqual(n.codes, [220, 250, 250])
    }

    func testTerminatorMustBeExact() {
        // " ." and ". " and ".." are not terminators; only CRLF . CRLF is.
        let h = session(" .\r\n. \r\n..\r\n.\r\n")
        XCTAssertEqual(h.commits.first.map { String(buffer: $0.data) }, " .\r\n \r\n.\r\n", "a leading dot is always removed")
        // Empty message.
        let e = session(".\r\n")
        XCTAssertEqual(e.commits.first?.data.readableBytes, 0)
    }

    func testOversizedCommandLineIsDrainedThenGoodCommandWorks() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nNOOP " + String(repeating: "x", count: 600))
        XCTAssertEqual(h.codes, [220, 250], "no reply until the line ends")
        h.feed(String(repeating: "y", count: 2000) + "\r\nMAIL FROM:<a@b.org>\r\n")
        XCTAssertEqual(h.codes, [220, 250, 500, 250])
        XCTAssertEqual(h.replies[2].status, EnhancedStatus(5, 5, 2))
        XCTAssertFalse(h.closed)
        // Exactly 512 octets with CRLF is fine, 513 is not.
        var e = ServerHarness()
        let ok = "NOOP " + String(repeating: "z", count: 512 - 7) + "\r\n"
        XCTAssertEqual(ok.utf8.count, 512)
        e.feed(ok + "NOOP " + String(repeating: "z", count: 512 - 6) + "\r\nNOOP\r\n")
        XCTAssertEqual(e.codes, [220, 250, 500, 250])
    }

    func testAuthLinesMayBeLongerThan512() {
        var h = ServerHarness(testConfig(auth: .optional), tls: true)
        h.users["u" + String(repeating: "x", count: 600)] = ("pw", [])
        let user = "u" + String(repeating: "x", count: 600)
        h.feed("EHLO c\r\nAUTH PLAIN \(base64("\0\(user)\0pw"))\r\n")
        XCTAssertEqual(h.lastReply?.code, 235)
    }

    func testOversizedMessageIsDrainedThenNextTransactionWorks() {
        let config = testConfig(maxSize: 100)
        var h = session(String(repeating: "0123456789\r\n", count: 50) + ".\r\n", config)
        XCTAssertEqual(h.lastReply?.code, 552)
        XCTAssertEqual(h.lastReply?.status, EnhancedStatus(5, 3, 4))
        XCTAssertEqual(h.commits.count, 0)
        XCTAssertFalse(h.closed)
        h.feed("MAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\nsmall\r\n.\r\n")
        XCTAssertEqual(h.codes.suffix(4), [250, 250, 354, 250])
        XCTAssertEqual(h.commits.first.map { String(buffer: $0.data) }, "small\r\n")
    }

    func testDeclaredSizeTooBigIsRefusedAtMAIL() {
        var h = ServerHarness(testConfig(maxSize: 100))
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org> SIZE=101\r\nMAIL FROM:<a@b.org> SIZE=100\r\n")
        XCTAssertEqual(h.replies.dropFirst(2).map { "\($0.code) \(status($0))" }, ["552 5.3.4", "250 2.1.0"])
    }

    func testOverlongDataLineRejectsMessageButKeepsSession() {
        var h = session("short\r\n" + String(repeating: "L", count: 5000) + "\r\n.\r\n", testConfig(maxDataLine: 1000))
        XCTAssertEqual(h.lastReply?.code, 500)
        XCTAssertEqual(h.lastReply?.status, EnhancedStatus(5, 5, 2))
        XCTAssertEqual(h.commits.count, 0)
        h.feed("NOOP\r\n")
        XCTAssertEqual(h.lastReply?.code, 250)
        // A line of exactly the limit (CRLF included) passes unchanged.
        let exact = String(repeating: "E", count: 998)
        let ok = session(exact + "\r\n.\r\n", testConfig(maxDataLine: 1000))
        XCTAssertEqual(ok.commits.first.map { String(buffer: $0.data) }, exact + "\r\n")
    }

    func testTooManyReceivedHeadersIsALoop() {
        let hops = { (n: Int) in String(repeating: "Received: from hop\r\n", count: n) + "Subject: x\r\n\r\nReceived: in body\r\n.\r\n" }
        let loop = session(hops(4), testConfig(maxReceived: 3))
        XCTAssertEqual(loop.lastReply?.code, 554)
        XCTAssertEqual(loop.lastReply?.status, EnhancedStatus(5, 4, 6))
        XCTAssertEqual(loop.commits.count, 0)
        // Exactly the limit is fine; body lines and folded lines do not count; name is case-insensitive.
        let ok = session("received: a\r\nRECEIVED: b\r\n\tReceived: folded\r\nReceived: c\r\n\r\nReceived: body\r\n.\r\n",
                         testConfig(maxReceived: 3))
        XCTAssertEqual(ok.commits.count, 1)
        let four = session("received: a\r\nRECEIVED: b\r\nReceived: c\r\nReceived:d\r\n\r\n.\r\n", testConfig(maxReceived: 3))
        XCTAssertEqual(four.lastReply?.code, 554)
    }

    func testTooManyRecipients() {
        var h = ServerHarness(testConfig(maxRecipients: 2))
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<1@d.org>\r\nRCPT TO:<2@d.org>\r\nRCPT TO:<3@d.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertEqual(h.replies[5].code, 452)
        XCTAssertEqual(h.replies[5].status, EnhancedStatus(4, 5, 3))
        XCTAssertEqual(h.commits.first?.recipients.count, 2)
    }

    func testEightBitAndUTF8DataPassUnchanged() {
        let body = "Subject: caf\u{E9}\r\n\r\n\u{1F600} \u{00FC}ber\r\n"
        let h = session(body + ".\r\n")
        XCTAssertEqual(h.commits.first.map { String(buffer: $0.data) }, body)
    }

    func testLargeMessageInSmallChunksArrivesIntact() {
        var line = Array("0123456789abcdefghijklmnopqrstuvwxyz.,;".utf8)
        line += [13, 10]
        var body: [UInt8] = []
        for i in 0..<50_000 { body += i % 7 == 0 ? [UInt8(ascii: "."), UInt8(ascii: ".")] + line : line }
        var expected: [UInt8] = []
        for i in 0..<50_000 { expected += i % 7 == 0 ? [UInt8(ascii: ".")] + line : line }
        var h = ServerHarness(testConfig(maxSize: 5_000_000))
        h.feed(opening)
        let all = body + Array(".\r\nQUIT\r\n".utf8)
        h.feed(bytes: all, cuts: Array(stride(from: 1371, to: all.count, by: 1371)))
        XCTAssertEqual(h.commits.first.map { Array($0.data.readableBytesView) }, expected)
        XCTAssertEqual(h.codes.suffix(2), [250, 221])
    }

    func testEndlessLineIsDrainedWithoutBuffering() {
        var h = ServerHarness(testConfig(maxSize: 1_000_000, maxDataLine: 1000))
        h.feed(opening)
        for _ in 0..<200 { h.feed(String(repeating: "z", count: 997)) }
        h.feed("\r\n.\r\n")
        XCTAssertEqual(h.lastReply?.code, 500)
        XCTAssertEqual(h.commits.count, 0)
        XCTAssertFalse(h.closed)
    }
}
