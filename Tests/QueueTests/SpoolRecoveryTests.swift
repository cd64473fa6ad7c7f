// SpoolRecoveryTests: leftovers of a crash (temp files, a message without envelope, an envelope
// without message, states without envelope) are discarded; committed messages all survive.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolRecoveryTests: SpoolTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        commitTarget = .files  // these tests handle the per-message files themselves
    }

    func testRecoveryDiscardsHalfWrittenDataAndKeepsCommittedMessages() throws {
        let kept1 = queueID(1), kept2 = queueID(2), noEnvelope = queueID(3), noMessage = queueID(4), noBoth = queueID(5)
        do {
            let spool = try makeSpool()
            try spool.commit(envelope: try envelope(kept1), message: Array("one".utf8))
            try spool.commit(envelope: try envelope(kept2), message: Array("two".utf8))
            try spool.updateStates(kept2, [RecipientState(status: .delivered), RecipientState(status: .deferred, attempts: 1)])
            // Simulate crashes at each step of a commit, with files as the spool itself writes them.
            try spool.commit(envelope: try envelope(noEnvelope), message: Array("three".utf8))
            try spool.commit(envelope: try envelope(noMessage), message: Array("four".utf8))
            try spool.commit(envelope: try envelope(noBoth), message: Array("five".utf8))
            try spool.updateStates(noBoth, [RecipientState(status: .delivered), RecipientState()])
        }
        let fm = FileManager.default
        try fm.removeItem(atPath: "\(spoolPath)/env/\(noEnvelope.value)")
        try fm.removeItem(atPath: "\(spoolPath)/msg/\(noMessage.value)")
        try fm.removeItem(atPath: "\(spoolPath)/env/\(noBoth.value)")
        try fm.removeItem(atPath: "\(spoolPath)/msg/\(noBoth.value)")
        try Data("half a message".utf8).write(to: URL(fileURLWithPath: "\(spoolPath)/tmp/\(queueID(6).value).msg.x1"))
        try Data().write(to: URL(fileURLWithPath: "\(spoolPath)/tmp/\(queueID(6).value).env.x2"))

        let spool = try makeSpool()
        let result = try spool.recover()
        XCTAssertEqual(result.committed, [kept1, kept2])
        // 2 temp files, msg of noEnvelope, env of noMessage, state of noBoth.
        XCTAssertEqual(result.discarded, 5)
        XCTAssertEqual(files(in: "tmp"), [])
        XCTAssertEqual(files(in: "msg"), [kept1.value, kept2.value])
        XCTAssertEqual(files(in: "env"), [kept1.value, kept2.value])
        XCTAssertEqual(files(in: "state"), [kept2.value])
        XCTAssertEqual(try spool.queueIDs(), [kept1, kept2])
        XCTAssertEqual(try spool.message(kept1), Array("one".utf8))
        XCTAssertEqual(try spool.states(kept2).map(\.status), [.delivered, .deferred])

        // A second recovery finds nothing more to do.
        XCTAssertEqual(try spool.recover(), SpoolRecovery(committed: [kept1, kept2], discarded: 0))
    }

    func testRecoveryNeverDecryptsSoAKeyProblemCannotDeleteMail() throws {
        let id = queueID(1)
        try makeSpool().commit(envelope: try envelope(id), message: [1])
        try FileManager.default.removeItem(atPath: keyPath)
        let spool = try makeSpool() // a fresh, different key
        XCTAssertEqual(try spool.recover().committed, [id])
        XCTAssertEqual(files(in: "msg"), [id.value])
    }

    func testForeignNamesAreLeftAlone() throws {
        let spool = try makeSpool()
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(spoolPath)/msg/README"))
        XCTAssertEqual(try spool.recover().discarded, 0)
        XCTAssertEqual(files(in: "msg"), ["README"])
        XCTAssertEqual(try spool.queueIDs(), [])
    }
}
