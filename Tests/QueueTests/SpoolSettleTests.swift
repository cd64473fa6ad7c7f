// Tests for settling delivery results: all delivered removes the entry without writing a state
// file; anything left to do writes the states durably and keeps the entry.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolSettleTests: SpoolTestCase {
    func testAllDeliveredRemovesTheEntryWithoutAStateFile() throws {
        let spool = try makeSpool()
        let id = queueID(1)
        try spool.commit(envelope: try envelope(id), message: Array("x\r\n".utf8))
        let (states, removed) = try spool.settle(id, removeIf: { $0.allSatisfy { $0.status == .delivered } }) { states in
            for i in states.indices { states[i].status = .delivered }
        }
        XCTAssertTrue(removed)
        XCTAssertEqual(states.map(\.status), [.delivered, .delivered])
        XCTAssertEqual(files(in: "state"), [])
        XCTAssertEqual(files(in: "env"), [])
        XCTAssertEqual(files(in: "msg"), [])
        XCTAssertThrowsError(try spool.envelope(id))
    }

    func testPartialResultsAreWrittenAndKept() throws {
        let spool = try makeSpool()
        let id = queueID(2)
        try spool.commit(envelope: try envelope(id), message: Array("x\r\n".utf8))
        let (_, removed) = try spool.settle(id, removeIf: { $0.allSatisfy { $0.status == .delivered } }) { states in
            states[0].status = .delivered
            states[1].status = .deferred
            states[1].attempts = 1
        }
        XCTAssertFalse(removed)
        XCTAssertEqual(try makeSpool().states(id).map(\.status), [.delivered, .deferred], "durable across instances")
    }

    func testInitialStatesAtCommit() throws {
        let spool = try makeSpool()
        let id = queueID(3)
        try spool.commit(envelope: try envelope(id), message: Array("x\r\n".utf8),
                         initialStates: [RecipientState(status: .held, lastReply: "held by policy"), RecipientState()])
        XCTAssertEqual(try spool.states(id).map(\.status), [.held, .pending])
        XCTAssertThrowsError(try spool.commit(envelope: try envelope(queueID(4)), message: [], initialStates: [RecipientState()]))
    }
}
