// Server state machine: ESMTP parameters of MAIL (SIZE, BODY, SMTPUTF8, RET, ENVID, REQUIRETLS,
// AUTH) and RCPT (NOTIFY, ORCPT), unknown and duplicate parameters, and strict xtext decoding.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerParameterTests: XCTestCase {
    func transaction(_ mail: String, _ rcpt: String = "RCPT TO:<c@d.org>", tls: Bool = false) -> ServerHarness {
        var h = ServerHarness(testConfig(), tls: tls)
        h.feed("EHLO c\r\n\(mail)\r\n\(rcpt)\r\nDATA\r\nx\r\n.\r\n")
        return h
    }

    func testAllMailParametersAreKept() {
        let h = transaction("MAIL FROM:<a@b.org> SIZE=10 body=8bitmime RET=HDRS ENVID=QQ+2B1 AUTH=<>",
                            "RCPT TO:<c@d.org> NOTIFY=NEVER ORCPT=RFC822;c+2Bx@d.org")
        let t = h.commits.first
        XCTAssertEqual(t?.bodyType, .eightBitMIME)
        XCTAssertEqual(t?.dsnReturn, .headers)
        XCTAssertEqual(t?.envelopeID, "QQ+1")
        XCTAssertEqual(t?.recipients.first?.notify, [.never])
        XCTAssertEqual(t?.recipients.first?.originalRecipient, "rfc822;c+x@d.org")
        XCTAssertEqual(t?.requireTLS, false)
        XCTAssertEqual(t?.smtputf8, false)
    }

    func testSMTPUTF8AllowsUTF8Addresses() {
        let h = transaction("MAIL FROM:<j\u{F6}rg@b\u{FC}cher.example> SMTPUTF8", "RCPT TO:<\u{7528}\u{6237}@\u{4F8B}\u{5B50}.example>")
        XCTAssertEqual(h.commits.first?.smtputf8, true)
        XCTAssertEqual(h.commits.first?.sender?.localPart, "j\u{F6}rg")
        let refused = transaction("MAIL FROM:<j\u{F6}rg@b.org>")
        XCTAssertEqual(refused.replies[2].code, 553)
        XCTAssertEqual(refused.replies[2].status, EnhancedStatus(5, 6, 7))
        let rcpt = transaction("MAIL FROM:<a@b.org>", "RCPT TO:<\u{7528}@d.org>")
        XCTAssertEqual(rcpt.replies[3].code, 553)
    }

    func testREQUIRETLSOnlyOverTLS() {
        let plain = transaction("MAIL FROM:<a@b.org> REQUIRETLS")
        XCTAssertEqual(plain.replies[2].code, 530)
        XCTAssertEqual(plain.replies[2].status, EnhancedStatus(5, 7, 10))
        let tls = transaction("MAIL FROM:<a@b.org> REQUIRETLS", tls: true)
        XCTAssertEqual(tls.commits.first?.requireTLS, true)
    }

    func testBadAndUnknownParameters() {
        var h = ServerHarness()
        h.feed("EHLO c\r\n" + [
            "MAIL FROM:<a@b.org> FOO=BAR",
            "MAIL FROM:<a@b.org> SIZE=abc",
            "MAIL FROM:<a@b.org> BODY=BINARYMIME",
            "MAIL FROM:<a@b.org> RET=ALL",
            "MAIL FROM:<a@b.org> ENVID=bad+ZZ",
            "MAIL FROM:<a@b.org> SIZE=1 SIZE=2",
            "MAIL FROM:<a@b.org> SMTPUTF8=yes",
            "MAIL FROM:<a@b.org>",
            "RCPT TO:<c@d.org> NOTIFY=NEVER,SUCCESS",
            "RCPT TO:<c@d.org> NOTIFY=SOMETIMES",
            "RCPT TO:<c@d.org> ORCPT=c@d.org",
            "RCPT TO:<c@d.org> XFORWARD=1",
            "RCPT TO:<c@d.org> NOTIFY=delay,failure",
        ].map { $0 + "\r\n" }.joined())
        XCTAssertEqual(h.replies.dropFirst(2).map { "\($0.code) \(status($0))" },
                       ["555 5.5.4", "501 5.5.4", "501 5.5.4", "501 5.5.4", "501 5.5.4", "501 5.5.4", "501 5.5.4",
                        "250 2.1.0", "501 5.5.4", "501 5.5.4", "501 5.5.4", "555 5.5.4", "250 2.1.5"])
    }

    func testXTextStrictDecoding() {
        XCTAssertEqual(XText.decodeStrict("abc+2B+3Dd"), "abc+=d")
        XCTAssertEqual(XText.decodeStrict("caf+C3+A9"), "caf\u{E9}")
        XCTAssertNil(XText.decodeStrict("a+2"))
        XCTAssertNil(XText.decodeStrict("a+GG"))
        XCTAssertNil(XText.decodeStrict("a=b"))
        XCTAssertNil(XText.decodeStrict("a b"))
        XCTAssertNil(XText.decodeStrict("+FF"))
        let original = "id+1=\u{E9} x"
        XCTAssertEqual(XText.decodeStrict(XText.encode(original)), original)
    }
}
