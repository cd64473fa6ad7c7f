// Server state machine: a command line with a control character (NUL, a bare CR, ESC, DEL) gets
// 500 5.5.2 and is not run, so an EHLO name or an address can never carry a line break into the
// Received header; TAB is not among them, and the session goes on.

import MailCore
import SMTPProtocol
import XCTest

final class ServerCommandCharactersTests: XCTestCase {
    func testControlCharactersInACommandAre500AndTheCommandIsNotRun() {
        for bad in ["EHLO client.example\rX-Injected: 1", "EHLO client\u{0}x", "EHLO client\u{1B}[2J", "EHLO client\u{7F}"] {
            var h = ServerHarness()
            h.feed(bad + "\r\nMAIL FROM:<a@b.org>\r\n")
            XCTAssertEqual(h.replies[1].code, 500, "\(bad.debugDescription): \(h.replies)")
            XCTAssertEqual(h.replies[1].status, EnhancedStatus(5, 5, 2))
            XCTAssertEqual(h.replies[2].code, 503, "the refused EHLO must not count as a greeting: \(h.replies)")
        }
    }

    func testATabIsNotRefusedAsAControlCharacterAndTheSessionGoesOnAfterARefusal() {
        var h = ServerHarness()
        h.feed("NOOP\tx\r\nEHLO client\rx\r\nEHLO client.example\r\nMAIL FROM:<a@b.org>\r\nRCPT TO:<c@d.org>\r\nDATA\r\nx\r\n.\r\n")
        XCTAssertFalse(h.replies[1].lines.joined().contains("invalid characters"), "\(h.replies)")
        XCTAssertEqual(h.replies[2].code, 500)
        XCTAssertEqual(h.replies[3].code, 250, "\(h.replies)")
        XCTAssertEqual(h.commits.count, 1)
    }
}
