// Server state machine under RFC 2920 pipelining: the same bytes split at every point (one and
// two cuts) or fed byte by byte must produce exactly the same actions.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerPipeliningSplitTests: XCTestCase {
    /// A session with two transactions, an error, dot-stuffing, AUTH-free relay and QUIT.
    let session = Array((
        "EHLO client.example\r\n" +
        "MAIL FROM:<a@example.org> SIZE=100 BODY=8BITMIME\r\n" +
        "RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.net\r\n" +
        "RCPT TO:<bad address>\r\n" +
        "RCPT TO:<c@example.net>\r\n" +
        "DATA\r\n" +
        "Received: from x\r\n" +
        "Subject: split\r\n\r\n" +
        "..leading dot\r\n" +
        ".\r\n" +
        "MAIL FROM:<>\r\n" +
        "RCPT TO:<d@example.net>\r\n" +
        "DATA\r\n" +
        "second\r\n" +
        ".\r\n" +
        "NOOP\r\n" +
        "QUIT\r\n").utf8)

    func runSplit(_ cuts: [Int], config: SMTPServerConfig = testConfig()) -> [SMTPServerAction] {
        var h = ServerHarness(config)
        h.feed(bytes: session, cuts: cuts)
        return h.actions
    }

    func testReferenceRunIsWhatWeExpect() {
        let actions = runSplit([])
        var h = ServerHarness()
        h.absorb(actions)
        let replies = actions.compactMap { if case .send(let r) = $0 { return r.code } else { return nil } }
        XCTAssertEqual(replies, [220, 250, 250, 250, 501, 250, 354, 250, 250, 250, 354, 250, 250, 221])
        let commits = actions.compactMap { if case .commit(let t) = $0 { return t } else { return nil } }
        XCTAssertEqual(commits.count, 2)
        XCTAssertEqual(commits.first.map { String(buffer: $0.data) },
                       "Received: from x\r\nSubject: split\r\n\r\n.leading dot\r\n")
        XCTAssertEqual(commits.first?.recipients.first?.notify, [.success, .failure])
        XCTAssertEqual(commits.first?.recipients.first?.originalRecipient, "rfc822;b@example.net")
        XCTAssertEqual(commits.first?.bodyType, .eightBitMIME)
        XCTAssertEqual(actions.last, .close)
    }

    func testEverySingleSplitGivesSameActions() {
        let reference = runSplit([])
        for cut in 0...session.count {
            XCTAssertEqual(runSplit([cut]), reference, "split at \(cut)")
        }
    }

    func testEveryTwoSplitsGiveSameActions() {
        let reference = runSplit([])
        // Every pair of cut points; ~45k runs of a short session.
        var mismatches = 0
        for first in 0...session.count {
            for second in first...session.count where runSplit([first, second]) != reference {
                mismatches += 1
                if mismatches < 5 { XCTFail("splits at \(first), \(second) differ") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testByteAtATimeGivesSameActions() {
        let reference = runSplit([])
        XCTAssertEqual(runSplit(Array(0...session.count)), reference)
    }

    func testSplitsWithTinyLimitsStillAgree() {
        // Small line and size limits so the draining paths are exercised at every split.
        let config = testConfig(maxSize: 60, maxDataLine: 20)
        let reference = runSplit([], config: config)
        XCTAssertTrue(reference.contains(.send(SMTPReply(500, EnhancedStatus(5, 5, 2), "Error: message line too long")))
                      || reference.contains { if case .send(let r) = $0 { return r.code == 552 } else { return false } })
        for cut in 0...session.count {
            XCTAssertEqual(runSplit([cut], config: config), reference, "split at \(cut)")
        }
        XCTAssertEqual(runSplit(Array(0...session.count), config: config), reference)
    }

    func testBareLFSessionSplitsAgree() {
        let input = Array("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\nline\n.\nMAIL FROM:<x@y.org>\r\n".utf8)
        for policy in [BareNewlinePolicy.reject, .normalize] {
            var ref = ServerHarness(testConfig(bareNewline: policy))
            ref.feed(bytes: input)
            for cut in 0...input.count {
                var h = ServerHarness(testConfig(bareNewline: policy))
                h.feed(bytes: input, cuts: [cut])
                XCTAssertEqual(h.actions, ref.actions, "\(policy) split at \(cut)")
            }
        }
    }
}
