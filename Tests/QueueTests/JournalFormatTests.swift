// JournalFormatTests: the journal's record framing over every truncation point and every flipped
// byte, entry payload splitting, and the group sync's tickets and failures.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class JournalFormatTests: XCTestCase {
    private let a = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 11)
    private let b = QueueID(microseconds: 1_700_000_000_001_000, node: 1, random: 12)

    private func segment(_ records: [[UInt8]]) -> [UInt8] {
        JournalFormat.segmentHeader + records.flatMap { $0 }
    }

    func testRecordsParseBackInOrder() {
        let bytes = segment([JournalFormat.record(.entry, id: a, payload: [1, 2, 3]),
                             JournalFormat.record(.done, id: a, payload: []),
                             JournalFormat.record(.entry, id: b, payload: Array(repeating: 9, count: 300))])
        let (records, end) = JournalFormat.parse(bytes)
        XCTAssertEqual(records.map(\.kind), [.entry, .done, .entry])
        XCTAssertEqual(records.map(\.id), [a, a, b])
        XCTAssertEqual(end, bytes.count)
        XCTAssertEqual(Array(bytes[records[2].payloadOffset..<(records[2].payloadOffset + records[2].payloadLength)]),
                       Array(repeating: 9, count: 300))
    }

    func testEveryTruncationStopsAtTheLastWholeRecord() {
        let first = JournalFormat.record(.entry, id: a, payload: [5, 6])
        let second = JournalFormat.record(.entry, id: b, payload: Array(0..<40))
        let bytes = segment([first, second])
        let firstEnd = JournalFormat.segmentHeaderSize + first.count
        for cut in firstEnd..<bytes.count {
            let (records, end) = JournalFormat.parse(Array(bytes[0..<cut]))
            XCTAssertEqual(records.map(\.id), [a], "cut at \(cut)")
            XCTAssertEqual(end, firstEnd, "cut at \(cut)")
        }
    }

    func testEveryFlippedByteOfARecordIsDetected() {
        let record = JournalFormat.record(.entry, id: b, payload: Array(0..<40))
        for i in 0..<record.count {
            var damaged = record
            damaged[i] ^= 0x5a
            let (records, end) = JournalFormat.parse(segment([damaged]))
            XCTAssertEqual(records, [], "flip at \(i)")
            XCTAssertEqual(end, JournalFormat.segmentHeaderSize)
        }
    }

    func testEntryPayloadSplitsBack() throws {
        let payload = JournalFormat.entryPayload(sealedEnvelope: [1, 2], sealedMessage: [3, 4, 5])
        let (env, msg) = try JournalFormat.splitEntry(payload, id: a)
        XCTAssertEqual(Array(env), [1, 2])
        XCTAssertEqual(Array(msg), [3, 4, 5])
        XCTAssertThrowsError(try JournalFormat.splitEntry([0, 0, 0, 9, 1], id: a))
        XCTAssertThrowsError(try JournalFormat.splitEntry([0, 0], id: a))
    }

    func testSegmentNames() {
        XCTAssertEqual(JournalSegment.name(0x2a), "000000000000002a")
        XCTAssertEqual(JournalSegment.sequence(ofName: "000000000000002a"), 0x2a)
        XCTAssertNil(JournalSegment.sequence(ofName: "README"))
        XCTAssertNil(JournalSegment.sequence(ofName: "00000000000000zz"))
    }
}

final class GroupSyncTests: XCTestCase {
    /// While one sync runs, later tickets queue up; the next sync covers them all at once.
    func testTicketsWrittenDuringASyncShareTheNextOne() throws {
        let sync = GroupSync()
        let disk = FakeDisk()
        @Sendable func prepare() -> (target: UInt64, sync: () throws -> Void) {
            let target = disk.written
            return (target, { disk.sync(target) })
        }
        let group = DispatchGroup()
        func start(_ ticket: UInt64) {
            group.enter()
            Thread { Self.expectDurable(sync, ticket, prepare); group.leave() }.start()
        }
        start(1)
        disk.firstSyncStarted.wait()
        disk.written = 3
        start(2)
        start(3)
        while sync.waiters < 2 { usleep(1000) }
        disk.releaseFirstSync.signal()
        group.wait()
        XCTAssertEqual(disk.syncedTargets, [1, 3])
        XCTAssertEqual(sync.syncs, 2)
    }

    private static func expectDurable(_ sync: GroupSync, _ ticket: UInt64,
                                      _ prepare: () -> (target: UInt64, sync: () throws -> Void)) {
        do { try sync.waitDurable(ticket, prepare: prepare) } catch { XCTFail("ticket \(ticket): \(error)") }
    }

    func testAFailedSyncFailsItsTicketsForGood() {
        struct DiskError: Error {}
        let sync = GroupSync()
        XCTAssertThrowsError(try sync.waitDurable(2, prepare: { (2, { throw DiskError() }) }))
        XCTAssertNoThrow(try sync.waitDurable(3, prepare: { (3, {}) }))
        XCTAssertThrowsError(try sync.waitDurable(1, prepare: { (3, {}) }), "ticket 1 was in the failed sync")
        XCTAssertNoThrow(try sync.waitDurable(3, prepare: { (3, {}) }))
    }
}

/// Stands in for the journal: how far it was written, and which targets were synced. The first
/// sync blocks until the test lets it finish.
private final class FakeDisk: @unchecked Sendable {
    private let lock = NSLock()
    private var _written: UInt64 = 1
    private var _synced: [UInt64] = []
    let firstSyncStarted = DispatchSemaphore(value: 0)
    let releaseFirstSync = DispatchSemaphore(value: 0)

    var written: UInt64 {
        get { lock.withLock { _written } }
        set { lock.withLock { _written = newValue } }
    }

    var syncedTargets: [UInt64] { lock.withLock { _synced } }

    func sync(_ target: UInt64) {
        let first = lock.withLock { () -> Bool in _synced.append(target); return _synced.count == 1 }
        if first { firstSyncStarted.signal(); releaseFirstSync.wait() }
    }
}
