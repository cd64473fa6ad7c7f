// SpoolRoundTripTests: commit then read back, byte for byte; IDs listed sorted; summaries; removal;
// state updates that survive a new Spool instance.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolRoundTripTests: SpoolTestCase {
    func testMessageAndEnvelopeRoundTripExactly() throws {
        commitTarget = .files
        let spool = try makeSpool()
        let id = queueID(1)
        var message = Array("Subject: x\r\n\r\nh\u{e9}llo\r\n".utf8)
        message += [0, 0x80, 0xff, 0x0d, 0x0a, 0x00]
        let env = try envelope(id, recipients: ["a@example.test", "j\u{f6}rg@b\u{fc}cher.example"], size: message.count)
        try spool.commit(envelope: env, message: message)

        XCTAssertEqual(try spool.message(id), message)
        XCTAssertEqual(try spool.envelope(id), env)
        XCTAssertEqual(try spool.states(id), [RecipientState(), RecipientState()])
        XCTAssertEqual(files(in: "msg"), [id.value])
        XCTAssertEqual(files(in: "env"), [id.value])
        XCTAssertEqual(files(in: "tmp"), [])
    }

    func testEmptyMessageAndNullSender() throws {
        let spool = try makeSpool()
        let id = queueID(2)
        let env = try envelope(id, sender: nil, size: 0)
        try spool.commit(envelope: env, message: [])
        XCTAssertEqual(try spool.message(id), [])
        XCTAssertNil(try spool.envelope(id).sender)
    }

    func testCommittingTheSameIDTwiceIsRefused() throws {
        let spool = try makeSpool()
        let id = queueID(3)
        try spool.commit(envelope: try envelope(id), message: Array("first".utf8))
        XCTAssertThrowsError(try spool.commit(envelope: try envelope(id), message: Array("second".utf8)))
        XCTAssertEqual(try spool.message(id), Array("first".utf8))
    }

    func testQueueIDsAreSorted() throws {
        let spool = try makeSpool()
        for n: UInt64 in [5, 1, 9, 3] {
            try spool.commit(envelope: try envelope(queueID(n)), message: [1, 2, 3])
        }
        XCTAssertEqual(try spool.queueIDs(), [1, 3, 5, 9].map { queueID($0) })
    }

    func testStateUpdatesPersistAcrossInstances() throws {
        let id = queueID(4)
        let retry = Date(timeIntervalSince1970: 1_700_000_300.5)
        do {
            let spool = try makeSpool()
            try spool.commit(envelope: try envelope(id), message: [1])
            try spool.updateStates(id, [
                RecipientState(status: .deferred, attempts: 2, nextAttempt: retry, lastReply: "451 4.3.0 try later",
                               lastStatus: EnhancedStatus("4.3.0")),
                RecipientState(status: .delivered, attempts: 1),
            ])
        }
        let reopened = try makeSpool()
        let states = try reopened.states(id)
        XCTAssertEqual(states.map(\.status), [.deferred, .delivered])
        XCTAssertEqual(states[0].attempts, 2)
        XCTAssertEqual(states[0].nextAttempt, retry)
        XCTAssertEqual(states[0].lastReply, "451 4.3.0 try later")
        XCTAssertEqual(states[0].lastStatus, EnhancedStatus("4.3.0"))
        XCTAssertEqual(files(in: "tmp"), [])
    }

    func testUpdateWithWrongCountIsRejectedAndChangesNothing() throws {
        let spool = try makeSpool()
        let id = queueID(6)
        try spool.commit(envelope: try envelope(id), message: [1])
        XCTAssertThrowsError(try spool.updateStates(id, [RecipientState(status: .delivered)])) {
            guard case SpoolError.invalidArgument = $0 else { return XCTFail("got \($0)") }
        }
        XCTAssertEqual(try spool.states(id).map(\.status), [.pending, .pending])
    }

    func testModifyStatesReadsChangesAndWrites() throws {
        let spool = try makeSpool()
        let id = queueID(7)
        try spool.commit(envelope: try envelope(id), message: [1])
        try spool.modifyStates(id) { $0[1].status = .held; $0[1].statusBeforeHold = .pending }
        try spool.modifyStates(id) { $0[0].attempts += 1 }
        let states = try spool.states(id)
        XCTAssertEqual(states.map(\.status), [.pending, .held])
        XCTAssertEqual(states[0].attempts, 1)
    }

    func testConcurrentModificationsAreNotLost() throws {
        let spool = try makeSpool()
        let id = queueID(8)
        try spool.commit(envelope: try envelope(id), message: [1])
        DispatchQueue.concurrentPerform(iterations: 20) { _ in
            do { try spool.modifyStates(id) { $0[0].attempts += 1 } } catch { XCTFail("\(error)") }
        }
        XCTAssertEqual(try spool.states(id)[0].attempts, 20)
    }

    func testSummaryCounts() throws {
        let spool = try makeSpool()
        let id = queueID(10)
        let env = try envelope(id, recipients: ["a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"], size: 1234)
        try spool.commit(envelope: env, message: [1])
        let early = Date(timeIntervalSince1970: 1_700_000_100), late = Date(timeIntervalSince1970: 1_700_000_900)
        try spool.updateStates(id, [
            RecipientState(status: .deferred, attempts: 1, nextAttempt: late),
            RecipientState(status: .deferred, attempts: 3, nextAttempt: early),
            RecipientState(status: .delivered), RecipientState(status: .held, nextAttempt: Date(timeIntervalSince1970: 5)),
            RecipientState(status: .bounced),
        ])
        let s = try spool.summary(id)
        XCTAssertEqual(s.id, id)
        XCTAssertEqual(s.size, 1234)
        XCTAssertEqual(s.arrival, env.arrival)
        XCTAssertEqual(s.sender, env.sender)
        XCTAssertEqual(s.recipientCount, 5)
        XCTAssertEqual([s.pending, s.deferred, s.delivered, s.bounced, s.held], [0, 2, 1, 1, 1])
        XCTAssertEqual(s.nextAttempt, early, "held recipients do not set the next attempt")
        XCTAssertEqual(s.unfinished, 3)
    }

    func testRemoveDeletesEveryFile() throws {
        commitTarget = .files
        let spool = try makeSpool()
        let id = queueID(11), other = queueID(12)
        try spool.commit(envelope: try envelope(id), message: [1])
        try spool.commit(envelope: try envelope(other), message: [2])
        try spool.updateStates(id, [RecipientState(status: .delivered), RecipientState(status: .bounced)])
        try spool.remove(id)
        XCTAssertEqual(try spool.queueIDs(), [other])
        XCTAssertEqual(files(in: "msg"), [other.value])
        XCTAssertEqual(files(in: "state"), [])
        XCTAssertThrowsError(try spool.message(id)) {
            guard case SpoolError.notFound(id) = $0 else { return XCTFail("got \($0)") }
        }
        XCTAssertThrowsError(try spool.remove(id))
    }

    func testMissingEntryIsNotFound() throws {
        let spool = try makeSpool()
        let id = queueID(13)
        for read in [{ _ = try spool.envelope(id) }, { _ = try spool.states(id) }, { _ = try spool.summary(id) },
                     { try spool.updateStates(id, []) }] {
            XCTAssertThrowsError(try read()) {
                guard case SpoolError.notFound(id) = $0 else { return XCTFail("got \($0)") }
            }
        }
    }

    func testDirectoriesAreCreatedPrivate() throws {
        _ = try makeSpool()
        for sub in ["", "/msg", "/env", "/state", "/tmp", "/journal"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: spoolPath + sub)
            XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o700, sub)
        }
    }
}
