// Server state machine: MAIL FROM asks the SpoolRoom (with the declared SIZE) and answers 452 4.3.1
// while the spool has no room, before any RCPT or data; with room, or no SpoolRoom, mail flows.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

/// Room for at most `limit` declared bytes; records every size it was asked about.
final class FixedRoom: SpoolRoom, @unchecked Sendable {
    let limit: Int
    private(set) var asked: [Int] = []
    init(limit: Int) { self.limit = limit }
    func hasRoom(for bytes: Int) -> Bool { asked.append(bytes); return bytes <= limit }
}

final class ServerSpoolRoomTests: XCTestCase {
    private func session(room: FixedRoom?, mail: String) -> ServerHarness {
        var config = testConfig()
        config.spoolRoom = room
        var h = ServerHarness(config)
        h.feed("EHLO c\r\n\(mail)\r\nRCPT TO:<c@d.org>\r\nDATA\r\nx\r\n.\r\n")
        return h
    }

    func testNoRoomIs452Dot431AtMailAndNothingIsCommitted() {
        let room = FixedRoom(limit: -1)
        let h = session(room: room, mail: "MAIL FROM:<a@b.org>")
        XCTAssertEqual(h.replies[2].code, 452, "\(h.replies)")
        XCTAssertEqual(h.replies[2].status, EnhancedStatus(4, 3, 1))
        XCTAssertEqual(h.replies[3].code, 503, "RCPT without a transaction: \(h.replies)")
        XCTAssertTrue(h.commits.isEmpty)
        XCTAssertEqual(room.asked, [0], "no SIZE declared: asked for 0 bytes")
    }

    func testTheDeclaredSizeIsWhatTheRoomIsAskedFor() {
        let room = FixedRoom(limit: 5000)
        let fits = session(room: room, mail: "MAIL FROM:<a@b.org> SIZE=4000")
        XCTAssertEqual(fits.replies[2].code, 250)
        XCTAssertEqual(fits.commits.count, 1)
        let big = session(room: room, mail: "MAIL FROM:<a@b.org> SIZE=6000")
        XCTAssertEqual(big.replies[2].code, 452)
        XCTAssertEqual(room.asked, [4000, 6000])
    }

    func testASizeAboveTheMessageLimitIs552BeforeTheRoomIsAsked() {
        let room = FixedRoom(limit: Int.max)
        let h = session(room: room, mail: "MAIL FROM:<a@b.org> SIZE=20000")
        XCTAssertEqual(h.replies[2].code, 552)
        XCTAssertTrue(room.asked.isEmpty)
    }

    func testWithoutASpoolRoomMailIsNotRefusedForSpace() {
        let h = session(room: nil, mail: "MAIL FROM:<a@b.org> SIZE=9000")
        XCTAssertEqual(h.replies[2].code, 250)
        XCTAssertEqual(h.commits.count, 1)
    }
}
