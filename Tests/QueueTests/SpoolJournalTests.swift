// SpoolJournalTests: messages committed to the journal read back from a new Spool, move to files
// when their states change, are gone after `done`, and survive torn tails and crashes mid-move.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolJournalTests: SpoolTestCase {
    private func segmentFiles() -> [String] { files(in: "journal") }

    private func segmentBytes(_ name: String) throws -> [UInt8] {
        Array(try XCTUnwrap(FileManager.default.contents(atPath: "\(journalPath)/\(name)")))
    }

    func testCommitGoesToTheJournalAndReadsBackFromANewInstance() throws {
        let id = queueID(1)
        var message = Array("Subject: j\r\n\r\nbody\r\n".utf8)
        message += [0, 0xff, 0x80]
        let env = try envelope(id, size: message.count)
        try makeSpool().commit(envelope: env, message: message)
        XCTAssertEqual(files(in: "msg"), [])
        XCTAssertEqual(files(in: "env"), [])
        XCTAssertEqual(segmentFiles().count, 1)

        let spool = try makeSpool()
        XCTAssertEqual(try spool.queueIDs(), [id])
        XCTAssertEqual(try spool.envelope(id), env)
        XCTAssertEqual(try spool.message(id), message)
        XCTAssertEqual(try spool.states(id), [RecipientState(), RecipientState()])
        XCTAssertEqual(try spool.recover(), SpoolRecovery(committed: [id], discarded: 0))
    }

    func testNoPlaintextInASegment() throws {
        let marker = "PHI-MARKER-91d3"
        let id = queueID(1)
        try makeSpool().commit(envelope: try envelope(id, recipients: ["\(marker)@example.test"]),
                               message: Array("Subject: \(marker)\r\n\r\n\(marker)\r\n".utf8))
        let bytes = try segmentBytes(try XCTUnwrap(segmentFiles().first))
        XCTAssertEqual(Array(bytes.prefix(5)), Array("SGJ1".utf8) + [1])
        XCTAssertFalse(contains(bytes, Array(marker.utf8)))
    }

    func testDeliveredEntryIsGoneAfterRestartAndAnOldSegmentGoesWithItsLastEntry() throws {
        let a = queueID(1), b = queueID(2)
        do {
            let spool = try makeSpool()
            try spool.commit(envelope: try envelope(a), message: [1])
            try spool.commit(envelope: try envelope(b), message: [2])
            let settled = try spool.settle(a, removeIf: { $0.allSatisfy { $0.status == .delivered } }) { states in
                for i in states.indices { states[i].status = .delivered }
            }
            XCTAssertTrue(settled.removed)
            XCTAssertEqual(files(in: "env"), [], "a delivered journal entry never becomes files")
        }
        let spool = try makeSpool()
        XCTAssertEqual(try spool.recover().committed, [b])
        XCTAssertThrowsError(try spool.message(a)) {
            guard case SpoolError.notFound(a) = $0 else { return XCTFail("got \($0)") }
        }
        try spool.remove(b)
        XCTAssertEqual(segmentFiles(), [], "not the active segment, and nothing live: deleted at once")
        XCTAssertEqual(try spool.recover(), SpoolRecovery(committed: [], discarded: 0))
    }

    func testAStateChangeMovesTheEntryToFiles() throws {
        let id = queueID(1)
        let spool = try makeSpool()
        try spool.commit(envelope: try envelope(id), message: Array("moved".utf8))
        try spool.modifyStates(id) { $0[1] = RecipientState(status: .deferred, attempts: 1, lastReply: "451 later") }
        XCTAssertEqual(files(in: "env"), [id.value])
        XCTAssertEqual(files(in: "state"), [id.value])
        XCTAssertFalse(try spool.journal.contains(id))

        let again = try makeSpool()
        XCTAssertEqual(try again.recover().committed, [id])
        XCTAssertEqual(try again.states(id).map(\.status), [.pending, .deferred])
        XCTAssertEqual(try again.message(id), Array("moved".utf8))
        XCTAssertEqual(segmentFiles(), [], "the moved entry's segment had nothing else live")
    }

    func testCrashBetweenMoveAndDoneKeepsTheFilesCopy() throws {
        let id = queueID(1)
        do {
            let spool = try makeSpool()
            let env = try envelope(id)
            try spool.commit(envelope: env, message: [7])
            // The files are written but the journal never hears that the entry moved.
            try spool.commitFiles(envelope: env, message: [7],
                                  initialStates: [RecipientState(status: .held), RecipientState(status: .delivered)])
        }
        let spool = try makeSpool()
        XCTAssertEqual(try spool.recover().committed, [id])
        XCTAssertEqual(try spool.states(id).map(\.status), [.held, .delivered])
        XCTAssertEqual(try spool.queueIDs(), [id])
    }

    func testTornTailIsCutOffAndLaterWritesAreReadable() throws {
        let kept = queueID(1), torn = queueID(2), later = queueID(3)
        do {
            let spool = try makeSpool()
            try spool.commit(envelope: try envelope(kept), message: Array("kept".utf8))
            try spool.commit(envelope: try envelope(torn), message: Array("torn".utf8))
        }
        let name = try XCTUnwrap(segmentFiles().first)
        let full = try segmentBytes(name)
        let (records, _) = JournalFormat.parse(full)
        XCTAssertEqual(records.map(\.id), [kept, torn])
        let cut = records[1].end - 5
        try Data(full[0..<cut]).write(to: URL(fileURLWithPath: "\(journalPath)/\(name)"))

        do {
            let spool = try makeSpool()
            XCTAssertEqual(try spool.recover(), SpoolRecovery(committed: [kept], discarded: 1))
            XCTAssertEqual(try segmentBytes(name).count, records[0].end, "truncated to the last whole record")
            try spool.commit(envelope: try envelope(later), message: Array("later".utf8))
            try spool.remove(kept)
        }

        let reopened = try makeSpool()
        XCTAssertEqual(try reopened.recover().committed, [later])
        XCTAssertEqual(try reopened.message(later), Array("later".utf8))
    }

    func testOnlyOneOwnerMayRecover() throws {
        let first = try makeSpool()
        _ = try first.recover()
        XCTAssertThrowsError(try makeSpool().recover()) {
            guard case SpoolError.busy = $0 else { return XCTFail("got \($0)") }
        }
        XCTAssertNoThrow(try first.recover(), "the owner may recover again")
    }

    func testOwnershipEndsWithTheOwner() throws {
        do { _ = try makeSpool().recover() }
        XCTAssertNoThrow(try makeSpool().recover())
    }

    func testADamagedMiddleIsCutButKeptBesideTheSegment() throws {
        let ids = (1...3).map { queueID(UInt64($0)) }
        do {
            let spool = try makeSpool()
            for id in ids { try spool.commit(envelope: try envelope(id), message: Array("m\(id)".utf8)) }
        }
        let name = try XCTUnwrap(segmentFiles().first)
        var bytes = try segmentBytes(name)
        let records = JournalFormat.parse(bytes).records
        bytes[records[1].payloadOffset + 3] ^= 0xff  // the second of three records
        try Data(bytes).write(to: URL(fileURLWithPath: "\(journalPath)/\(name)"))

        let spool = try makeSpool()
        XCTAssertEqual(try spool.recover(), SpoolRecovery(committed: [ids[0]], discarded: 1))
        let kept = "\(name).damaged-\(records[0].end)"
        XCTAssertEqual(segmentFiles(), [name, kept])
        XCTAssertEqual(try segmentBytes(kept), Array(bytes[records[0].end...]), "the cut bytes, unchanged")
    }

    func testATornTailLeavesNoDamagedFile() throws {
        do { try makeSpool().commit(envelope: try envelope(queueID(1)), message: [1]) }
        let name = try XCTUnwrap(segmentFiles().first)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: "\(journalPath)/\(name)"))
        handle.seekToEndOfFile()
        handle.write(Data(JournalFormat.record(.entry, id: queueID(2), payload: [9, 9, 9]).prefix(30)))
        handle.closeFile()
        XCTAssertEqual(try makeSpool().recover(), SpoolRecovery(committed: [queueID(1)], discarded: 1))
        XCTAssertEqual(segmentFiles(), [name])
    }

    func testAMoveFoundAtRecoveryIsWrittenDownSoTheJournalCopyNeverReturns() throws {
        let moved = queueID(1), other = queueID(2)
        do {
            let spool = try makeSpool()
            let env = try envelope(moved)
            try spool.commit(envelope: env, message: [1])
            try spool.commit(envelope: try envelope(other), message: [2])
            try spool.commitFiles(envelope: env, message: [1], initialStates: [RecipientState(status: .deferred), RecipientState()])
        }
        do {
            let spool = try makeSpool()
            XCTAssertEqual(try spool.recover().committed, [moved, other])
            try spool.remove(moved)  // the files copy, delivered at last
        }
        let spool = try makeSpool()
        XCTAssertEqual(try spool.recover().committed, [other], "the journal copy stays done")
    }

    func testAFailedDoneWriteLeavesTheEntryLive() throws {
        let id = queueID(1)
        let spool = try makeSpool()
        try spool.commit(envelope: try envelope(id), message: [1])
        let location = try XCTUnwrap(try spool.journal.location(id))
        let readOnly = open(location.segment.path, O_RDONLY)
        XCTAssertEqual(dup2(readOnly, location.segment.fd), location.segment.fd)
        close(readOnly)
        XCTAssertThrowsError(try spool.remove(id, durable: false))
        XCTAssertEqual(try spool.queueIDs(), [id], "still queued: the done record was not written")
    }

    func testAFailedSyncFailsTheCommitAndTheNextGoesToANewSegment() throws {
        let spool = try makeSpool()
        try spool.commit(envelope: try envelope(queueID(1)), message: [1])
        let segment = try XCTUnwrap(try spool.journal.location(queueID(1))).segment
        // Writes to /dev/null succeed; fdatasync on it fails (EINVAL): a sync failure.
        let devNull = open("/dev/null", O_WRONLY)
        XCTAssertEqual(dup2(devNull, segment.fd), segment.fd)
        close(devNull)
        XCTAssertThrowsError(try spool.commit(envelope: try envelope(queueID(2)), message: [2])) {
            guard case SpoolError.io = $0 else { return XCTFail("got \($0)") }
        }
        XCTAssertEqual(try spool.queueIDs(), [queueID(1)], "the failed commit is never delivered")
        XCTAssertTrue(segment.poisoned)
        try spool.commit(envelope: try envelope(queueID(3)), message: [3])
        XCTAssertFalse(try XCTUnwrap(try spool.journal.location(queueID(3))).segment === segment)
        XCTAssertEqual(try spool.queueIDs(), [queueID(1), queueID(3)])
    }

    func testARemovedEntryIsNotFoundEvenWithItsEnvelopeCached() throws {
        let id = queueID(1)
        let spool = try makeSpool(cacheBytes: 1 << 20)
        try spool.commit(envelope: try envelope(id), message: [1])
        try spool.remove(id)
        XCTAssertThrowsError(try spool.states(id)) {
            guard case SpoolError.notFound(id) = $0 else { return XCTFail("got \($0)") }
        }
    }

    func testUnfinishedSegmentIsDeletedButAForeignOneStopsRecovery() throws {
        let spool = try makeSpool()
        _ = FileManager.default.createFile(atPath: "\(journalPath)/00000000000000aa", contents: Data(count: 8))
        XCTAssertEqual(try spool.recover().discarded, 1)
        XCTAssertEqual(segmentFiles(), [])

        _ = FileManager.default.createFile(atPath: "\(journalPath)/00000000000000ab", contents: Data(count: 8) + Data([1, 0, 0, 0]))
        XCTAssertThrowsError(try spool.recover(), "a zero header with data after it is damage, not an unfinished creation")
        try FileManager.default.removeItem(atPath: "\(journalPath)/00000000000000ab")
        _ = FileManager.default.createFile(atPath: "\(journalPath)/00000000000000ab", contents: Data("NOTAJOURNAL".utf8))
        XCTAssertThrowsError(try spool.recover()) {
            guard case SpoolError.corrupt(let why) = $0 else { return XCTFail("got \($0)") }
            XCTAssertTrue(why.contains("00000000000000ab"), why)
        }
        XCTAssertEqual(segmentFiles(), ["00000000000000ab"], "never deletes what it cannot read")
    }

    func testRecoveryNeverDecryptsJournalEntries() throws {
        let id = queueID(1)
        try makeSpool().commit(envelope: try envelope(id), message: [1])
        try FileManager.default.removeItem(atPath: keyPath)
        let spool = try makeSpool()  // a different key
        XCTAssertEqual(try spool.recover().committed, [id])
        XCTAssertThrowsError(try spool.message(id)) {
            guard case SpoolError.corrupt = $0 else { return XCTFail("got \($0)") }
        }
    }

    func testRotationStartsANewSegmentWhenFull() throws {
        let journal = try SpoolJournal(directory: tempDir + "/journal-small", maxSegmentSize: 4096, idleRotationSize: 1 << 20)
        for n in 1...4 {
            try journal.append(queueID(UInt64(n)), payload: [UInt8](repeating: UInt8(n), count: 1500))
        }
        XCTAssertEqual(journal.segmentCount, 2, "two 1.5 KB entries fit in a 4 KB segment")
        XCTAssertTrue(try journal.markDone(queueID(1), durable: true))
        XCTAssertTrue(try journal.markDone(queueID(2), durable: false))
        XCTAssertEqual(journal.segmentCount, 1, "the full segment went once both its entries were done")
        XCTAssertFalse(try journal.markDone(queueID(2), durable: false), "done twice")
        let reread = try SpoolJournal(directory: tempDir + "/journal-small")
        XCTAssertEqual(try reread.load(repair: true, committedAsFiles: { _ in false }), 0)
        XCTAssertEqual(Set(try reread.ids()), [queueID(3), queueID(4)])
        XCTAssertEqual(try reread.payload(try XCTUnwrap(try reread.location(queueID(4)))),
                       [UInt8](repeating: 4, count: 1500))
    }

    func testALargeActiveSegmentGoesWithItsLastEntryAndASmallOneStays() throws {
        let dir = tempDir + "/journal-idle"
        let journal = try SpoolJournal(directory: dir, maxSegmentSize: 1 << 20, idleRotationSize: 4096)
        try journal.append(queueID(1), payload: [UInt8](repeating: 1, count: 1000))
        XCTAssertTrue(try journal.markDone(queueID(1), durable: true))
        XCTAssertEqual(journal.segmentCount, 1, "a small active segment is kept for the next append")
        for n in 2...5 { try journal.append(queueID(UInt64(n)), payload: [UInt8](repeating: UInt8(n), count: 1500)) }
        for n in 2...5 { XCTAssertTrue(try journal.markDone(queueID(UInt64(n)), durable: true)) }
        XCTAssertEqual(journal.segmentCount, 0, "a drained large active segment must free its space at once")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }, [])
        try journal.append(queueID(6), payload: [6])
        let reread = try SpoolJournal(directory: dir)
        XCTAssertEqual(try reread.load(repair: true, committedAsFiles: { _ in false }), 0)
        XCTAssertEqual(try reread.ids(), [queueID(6)], "the next append starts a new segment")
    }

    /// Sharing of syncs is shown deterministically in GroupSyncTests; here, 64 threads at once.
    func testConcurrentCommitsAreAllReadableAfterReopening() throws {
        let spool = try makeSpool()
        let count = 64
        let envelopes = try (0..<count).map { try envelope(queueID(UInt64($0 + 1))) }
        DispatchQueue.concurrentPerform(iterations: count) { n in
            do { try spool.commit(envelope: envelopes[n], message: [UInt8(n & 0xff)]) } catch { XCTFail("commit \(n): \(error)") }
        }
        let reopened = try makeSpool()
        XCTAssertEqual(try reopened.recover().committed.count, count)
        XCTAssertEqual(try reopened.message(queueID(10)), [9])
    }

    func testCacheServesRecentEntriesUntilTheyMoveOrGo() throws {
        let id = queueID(1)
        let spool = try makeSpool(cacheBytes: 1 << 20)
        let env = try envelope(id)
        try spool.commit(envelope: env, message: [1, 2, 3])
        XCTAssertEqual(spool.recentEntry(id)?.envelope, env)
        XCTAssertEqual(spool.recentEntry(id)?.states, [RecipientState(), RecipientState()])
        XCTAssertEqual(spool.cachedMessage(id), [1, 2, 3])
        try spool.hold(id)
        XCTAssertNil(spool.recentEntry(id), "moved to files: the states are no longer all pending")
        XCTAssertNil(spool.cachedMessage(id), "held mail waits on disk, not in memory")
        XCTAssertEqual(try spool.message(id), [1, 2, 3])
        try spool.remove(id)
        XCTAssertNil(spool.cachedMessage(id))
    }

    func testCacheEvictsTheOldestPastItsBudget() throws {
        let cache = SpoolCache(budget: 3 * 2048)
        let ids = (1...5).map { queueID(UInt64($0)) }
        // Each costs 1000 + 700 + 256 bytes: three fit in the budget, four do not.
        for id in ids { cache.insert(try envelope(id), message: [UInt8](repeating: 1, count: 1000), envelopeBytes: 700) }
        XCTAssertEqual(cache.count, 3)
        XCTAssertNil(cache.entry(ids[0]))
        XCTAssertNil(cache.entry(ids[1]))
        XCTAssertNotNil(cache.entry(ids[4]))
        cache.remove(ids[4])
        XCTAssertNil(cache.entry(ids[4]))
        XCTAssertEqual(cache.count, 2)
    }
}
