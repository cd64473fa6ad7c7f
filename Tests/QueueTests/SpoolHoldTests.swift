// Tests for hold and release: final recipients are never touched, the status before the hold
// comes back on release, and a released recipient is due at once.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolHoldTests: SpoolTestCase {
    func testHoldSkipsFinalRecipientsAndReleaseRestores() throws {
        let spool = try makeSpool()
        let id = queueID(1)
        try spool.commit(envelope: try envelope(id, recipients: ["a@example.test", "b@example.test", "c@example.test"]),
                         message: Array("x\r\n".utf8))
        let later = Date(timeIntervalSince1970: 1_800_000_000)
        try spool.updateStates(id, [RecipientState(status: .delivered, attempts: 1),
                                    RecipientState(status: .deferred, attempts: 2, nextAttempt: later),
                                    RecipientState()])
        XCTAssertEqual(try spool.hold(id), 2)
        XCTAssertEqual(try spool.hold(id), 0, "holding twice changes nothing")
        var states = try spool.states(id)
        XCTAssertEqual(states.map(\.status), [.delivered, .held, .held])

        let now = Date(timeIntervalSince1970: 1_750_000_000)
        XCTAssertEqual(try spool.release(id, now: now), 2)
        states = try spool.states(id)
        XCTAssertEqual(states.map(\.status), [.delivered, .deferred, .pending])
        XCTAssertEqual(states[1].nextAttempt, now)
        XCTAssertEqual(states[1].attempts, 2, "release keeps the attempt count")
        XCTAssertNil(states[1].statusBeforeHold)
    }

    func testHoldUnknownMessageIsNotFound() throws {
        let spool = try makeSpool()
        XCTAssertThrowsError(try spool.hold(queueID(9))) { XCTAssertEqual($0 as? SpoolError, .notFound(queueID(9))) }
    }
}
