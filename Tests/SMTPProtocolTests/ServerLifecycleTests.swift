// Server state machine: timeouts, shutdown between and during transactions, and isIdle; results
// that arrive when nothing was asked are ignored.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

final class ServerLifecycleTests: XCTestCase {
    func testTimeoutSends421AndCloses() {
        var h = ServerHarness()
        h.reset()
        h.absorb(h.machine.timedOut())
        XCTAssertEqual(h.replies.first?.code, 421)
        XCTAssertEqual(h.replies.first?.status, EnhancedStatus(4, 4, 2))
        XCTAssertEqual(h.actions.last, .close)
        XCTAssertEqual(h.machine.timedOut(), [])
        XCTAssertEqual(h.machine.receive(ByteBuffer(string: "NOOP\r\n")), [])
    }

    func testShutdownWhenIdleClosesAtOnce() {
        var h = ServerHarness()
        h.feed("EHLO c\r\n")
        XCTAssertTrue(h.machine.isIdle)
        h.reset()
        h.absorb(h.machine.shutdown())
        XCTAssertEqual(h.replies.map { "\($0.code) \(status($0))" }, ["421 4.3.2"])
        XCTAssertEqual(h.actions.last, .close)
    }

    func testShutdownMidDataFinishesTheMessageFirst() {
        var h = ServerHarness()
        h.autoAnswer = false
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\npart one\r\n")
        XCTAssertFalse(h.machine.isIdle)
        XCTAssertEqual(h.machine.shutdown(), [])
        h.reset()
        h.feed("part two\r\n.\r\nMAIL FROM:<a@b.org>\r\n")
        XCTAssertEqual(h.commits.count, 1)
        XCTAssertEqual(h.commits.first.map { String(buffer: $0.data) }, "part one\r\npart two\r\n")
        h.absorb(h.machine.commitResult(.success(testQueueID)))
        XCTAssertEqual(h.replies.map { "\($0.code) \(status($0))" }, ["250 2.0.0", "421 4.3.2"])
        XCTAssertEqual(h.actions.last, .close)
    }

    func testShutdownMidDataWithRejectedMessage() {
        var h = ServerHarness(testConfig(maxSize: 10))
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\n")
        h.absorb(h.machine.shutdown())
        h.reset()
        h.feed("0123456789abcdef\r\n.\r\n")
        XCTAssertEqual(h.codes, [552, 421])
        XCTAssertTrue(h.closed)
    }

    func testShutdownMidTransactionBeforeDataClosesNow() {
        var h = ServerHarness()
        h.feed("EHLO c\r\nMAIL FROM:<a@b.org>\r\n")
        XCTAssertFalse(h.machine.isIdle)
        h.reset()
        h.absorb(h.machine.shutdown())
        XCTAssertEqual(h.codes, [421])
        XCTAssertTrue(h.closed)
    }

    func testShutdownWhileCheckingCredentialsWaitsForResult() {
        var h = ServerHarness(testConfig(auth: .optional), tls: true)
        h.autoAnswer = false
        h.feed("EHLO c\r\nAUTH PLAIN \(base64("\0alice\0s3cret"))\r\n")
        XCTAssertEqual(h.machine.shutdown(), [])
        h.reset()
        h.absorb(h.machine.authenticationResult(.failure))
        XCTAssertEqual(h.codes, [535, 421])
    }

    func testResultsOutOfTurnAreIgnored() {
        var h = ServerHarness()
        h.feed("EHLO c\r\n")
        XCTAssertEqual(h.machine.commitResult(.success(testQueueID)), [])
        XCTAssertEqual(h.machine.authenticationResult(.failure), [])
    }
}
