// AuditOutbox: with a store that fails N times then works and a test clock (no real waiting),
// records are never lost or reordered, survive a restart, and the counter and log say how many wait.

import Foundation
import MailCore
import XCTest
@testable import Audit

/// A memory store whose next `failNext` appends throw; counts every attempt.
final class FlakyStore: AuditStore, @unchecked Sendable {
    let inner = MemoryAuditStore(node: "test", clock: Fixture.clock)
    private let lock = NSLock()
    private var _failNext = 0
    private var _attempts = 0
    struct Down: Error, CustomStringConvertible { var description: String { "database is locked" } }

    init(failNext: Int = 0) { _failNext = failNext }

    var failNext: Int {
        get { lock.withLock { _failNext } }
        set { lock.withLock { _failNext = newValue } }
    }
    var attempts: Int { lock.withLock { _attempts } }

    func append(_ event: AuditEvent) throws -> AuditRecord {
        try lock.withLock {
            _attempts += 1
            if _failNext > 0 { _failNext -= 1; throw Down() }
        }
        return try inner.append(event)
    }

    func records(queueID: QueueID) throws -> [AuditRecord] { try inner.records(queueID: queueID) }
    func verifyChain() throws -> ChainVerification { try inner.verifyChain() }
    /// The `detail` of every stored admin event, in chain order.
    func stored() throws -> [String] {
        try inner.allRecords().map { record in
            guard case .adminAction(let e) = record.event else { return "?" }
            return e.detail ?? ""
        }
    }
}

/// A clock the test moves by hand; the outbox never sleeps, so `sleep` is not offered.
final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Fixture.time
    func now() -> Date { lock.withLock { current } }
    func sleep(until deadline: Date) async throws { throw CancellationError() }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var closure: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
    var all: [String] { lock.withLock { lines } }
}

final class AuditOutboxTests: XCTestCase {
    private var dir = ""
    private var path: String { dir + "/audit.db.outbox" }
    private let clock = TestClock()
    private let logs = LogLines()

    override func setUpWithError() throws { dir = try makeTempDir(self) }

    private func event(_ n: Int) -> AuditEvent {
        .adminAction(AdminEvent(actor: "test", action: .hold, queueID: Fixture.queueID, detail: "\(n)"))
    }

    private func outbox(_ store: AuditStore) throws -> AuditOutbox {
        try AuditOutbox(store: store, path: path, clock: clock,
                        backoff: AuditRetryBackoff(initial: 1, maximum: 8), log: logs.closure)
    }

    func testAWorkingStoreGetsEveryRecordDirectlyAndNoFileIsMade() throws {
        let store = FlakyStore()
        let box = try outbox(store)
        for n in 1...3 { try box.record(event(n)) }
        XCTAssertEqual(try store.stored(), ["1", "2", "3"])
        XCTAssertEqual(box.waiting, 0)
        XCTAssertNil(box.nextRetry)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(logs.all, [])
    }

    func testAFailedAppendWaitsAndNewerRecordsQueueBehindItInOrder() throws {
        let store = FlakyStore(failNext: 1)
        let box = try outbox(store)
        try box.record(event(1))
        XCTAssertEqual(box.waiting, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "kept on disk before record() returned")
        try box.record(event(2))
        XCTAssertEqual(store.attempts, 1, "no retry before the backoff is due; 2 waits behind 1")
        XCTAssertEqual(box.waiting, 2)
        XCTAssertEqual(try store.stored(), [])
        XCTAssertEqual(box.nextRetry, Fixture.time.addingTimeInterval(1))

        clock.advance(1)
        try box.record(event(3))
        XCTAssertEqual(store.attempts, 1, "record() never calls the store for waiting records, even when a retry is due")
        XCTAssertEqual(box.waiting, 3)
        XCTAssertEqual(box.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2", "3"], "the waiting ones first, then the new one")
        XCTAssertEqual(box.waiting, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "an empty outbox leaves no file")
        XCTAssertTrue(try store.verifyChain().isIntact)
    }

    func testTheDrainerRetriesWithBackoffUntilTheStoreWorks() throws {
        let store = FlakyStore(failNext: 4)
        let box = try outbox(store)
        try box.record(event(1))
        try box.record(event(2))
        XCTAssertEqual(store.attempts, 1)
        // Failures so far: 1 -> next retry after 1s; then 2s, 4s (doubling), at most 8s.
        for (wait, attemptsAfter) in [(0.5, 1), (0.5, 2), (1.5, 2), (0.5, 3), (4.0, 4)] {
            clock.advance(wait)
            XCTAssertEqual(box.drain(), 2)
            XCTAssertEqual(store.attempts, attemptsAfter, "after +\(wait)s")
        }
        clock.advance(8)
        XCTAssertEqual(box.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2"])
        XCTAssertNil(box.nextRetry)
    }

    func testTheOutboxSurvivesARestartAndDrainsInOrder() throws {
        let down = FlakyStore(failNext: .max)
        do {
            let box = try outbox(down)
            for n in 1...3 { try box.record(event(n)) }
            XCTAssertEqual(box.waiting, 3)
        }
        let store = FlakyStore()
        let reopened = try outbox(store)
        XCTAssertEqual(reopened.waiting, 3, "read back from the file")
        XCTAssertTrue(logs.all.contains { $0.contains("3 audit record(s) wait from an earlier run") }, "\(logs.all)")
        try reopened.record(event(4))
        XCTAssertEqual(try store.stored(), [], "4 waits behind the three from the earlier run")
        XCTAssertEqual(reopened.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2", "3", "4"])
        XCTAssertEqual(reopened.waiting, 0)
        XCTAssertEqual(try outbox(FlakyStore()).waiting, 0, "nothing is appended twice after the next restart")
    }

    func testAPartialDrainLeavesOnlyTheRestOnDisk() throws {
        let store = FlakyStore(failNext: 1)
        let box = try outbox(store)
        for n in 1...3 { try box.record(event(n)) }
        clock.advance(1)
        let partial = PartialStore(base: store, successes: 1)
        let other = try AuditOutbox(store: partial, path: path, clock: clock, log: logs.closure)
        XCTAssertEqual(other.drain(), 2)
        XCTAssertEqual(try store.stored(), ["1"])
        XCTAssertEqual(try outbox(FlakyStore()).waiting, 2, "the file holds only the two that did not reach the store")
    }

    func testTheCounterAndTheErrorLineSayHowManyWait() throws {
        let box = try outbox(FlakyStore(failNext: .max))
        try box.record(event(1))
        try box.record(event(2))
        XCTAssertEqual(box.waiting, 2)
        let last = try XCTUnwrap(logs.all.last)
        XCTAssertTrue(last.contains("2 audit record(s) wait in \(path)"), last)
        XCTAssertTrue(logs.all.first?.contains("database is locked") ?? false, "\(logs.all)")
    }

    func testWhenTheOutboxFailsTooTheRecordThrowsAndIsNotCounted() throws {
        let box = try AuditOutbox(store: FlakyStore(failNext: .max), path: dir + "/missing/outbox",
                                  clock: clock, log: logs.closure)
        XCTAssertThrowsError(try box.record(event(1))) {
            guard case AuditError.notRecorded = $0 else { return XCTFail("got \($0)") }
        }
        XCTAssertEqual(box.waiting, 0)
        XCTAssertTrue(logs.all.contains { $0.contains("audit record LOST") }, "\(logs.all)")
    }

    func testATornLastLineIsDroppedAndTheFileRepaired() throws {
        let good = try AuditOutboxFile.line(event(1))
        try Data(good + Array("{\"event\":\"adm".utf8)).write(to: URL(fileURLWithPath: path))
        let store = FlakyStore()
        let box = try outbox(store)
        XCTAssertEqual(box.waiting, 1)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(good), "the torn tail is cut off")
        XCTAssertEqual(box.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1"])
    }

    func testADamagedLineRefusesToOpen() throws {
        try Data("not json\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try outbox(FlakyStore())) {
            guard case AuditError.corruptOutbox(_, 1, _) = $0 else { return XCTFail("got \($0)") }
        }
    }

    func testConcurrentRecordsAreAllKept() throws {
        let store = FlakyStore(failNext: 5)
        let box = try outbox(store)
        let events = (0..<50).map(event)
        let thrown = LogLines()
        DispatchQueue.concurrentPerform(iterations: 50) { n in
            do { try box.record(events[n]) } catch { thrown.closure("\(error)") }
        }
        XCTAssertEqual(thrown.all, [])
        XCTAssertEqual(box.waiting + (try store.stored().count), 50)
        for _ in 0..<5 where box.waiting > 0 {  // the store fails 5 times in all
            clock.advance(10)
            box.drain()
        }
        XCTAssertEqual(box.waiting, 0)
        XCTAssertEqual(Set(try store.stored()), Set((0..<50).map { "\($0)" }))
        XCTAssertEqual(try store.stored().count, 50, "none twice")
    }

    /// While the drain appends 1, another writer records 2 from another thread: it must not wait for
    /// the store append (a lock held across it would block it until the 5 s safety timeout fails).
    func testARecordMadeDuringADrainGoesBehindItAndTheDrainTakesItToo() throws {
        let store = FlakyStore(failNext: 1)
        var box: AuditOutbox?
        let hook = OnAppend(store: store) { [self] in
            guard let box, box.waiting == 1, (try? store.stored()) == [] else { return }
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { try? box.record(self.event(2)); done.signal() }
            XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "record() blocked behind the drain's store append")
        }
        box = try outbox(hook)
        try XCTUnwrap(box).record(event(1))
        XCTAssertEqual(box?.waiting, 1)
        clock.advance(1)
        XCTAssertEqual(box?.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2"], "the record made while 1 was being appended went behind it")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// A direct append A is in flight when B (another writer) fails and is kept: a drain then waits
    /// for A instead of putting B into the store beside it, so drains and direct appends never overlap.
    func testADrainDoesNotStartWhileADirectAppendIsInFlight() throws {
        let store = FlakyStore()
        var box: AuditOutbox?
        var drainedDuringA = -1
        var calls = 0
        let hook = OnAppend(store: store) { [self] in
            calls += 1
            guard calls == 1, let box else { return }
            store.failNext = 1  // B's append fails; A's own append (after this hook) works
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { try? box.record(self.event(2)); done.signal() }
            XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
            clock.advance(10)  // B's retry is due
            drainedDuringA = box.drain()
        }
        box = try outbox(hook)
        try XCTUnwrap(box).record(event(1))
        XCTAssertEqual(drainedDuringA, 1, "the drain did nothing while A was being appended")
        XCTAssertEqual(try store.stored(), ["1"])
        XCTAssertEqual(box?.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2"])
    }

    func testADrainRewritesTheFileAfterEachRecordSoACrashReplaysAtMostOne() throws {
        let store = FlakyStore(failNext: 1)
        let box0 = try outbox(store)
        for n in 1...4 { try box0.record(event(n)) }
        clock.advance(1)
        // At each store append, what a restart would replay: the file as it is at that moment.
        var onDisk: [[String]] = []
        let hook = OnAppend(store: store) { [self] in
            let events = (try? AuditOutboxFile(path: path).load().events) ?? []
            onDisk.append(events.map { e in
                guard case .adminAction(let a) = e else { return "?" }
                return a.detail ?? ""
            })
        }
        let box = try outbox(hook)
        XCTAssertEqual(box.drain(), 0)
        XCTAssertEqual(try store.stored(), ["1", "2", "3", "4"])
        XCTAssertEqual(onDisk, [["1", "2", "3", "4"], ["2", "3", "4"], ["3", "4"], ["4"]],
                       "each appended record left the file before the next append")
    }

    func testManyWaitingRecordsAreRewrittenInSmallBatches() throws {
        let store = FlakyStore(failNext: 1)
        let box0 = try outbox(store)
        for n in 1...200 { try box0.record(event(n)) }
        clock.advance(1)
        var maxReplayed = 0
        let hook = OnAppend(store: store) { [self] in
            let onDisk = (try? AuditOutboxFile(path: path).load().events.count) ?? 0
            let stored = (try? store.stored().count) ?? 0
            maxReplayed = max(maxReplayed, onDisk + stored - 200)  // in the store and still in the file
        }
        let box = try outbox(hook)
        XCTAssertEqual(box.drain(), 0)
        XCTAssertEqual(try store.stored().count, 200)
        XCTAssertGreaterThan(maxReplayed, 0, "200 waiting records are not rewritten once per record")
        XCTAssertLessThan(maxReplayed, AuditOutbox.maxBatch, "a crash appends at most one batch twice")
    }

    func testBackoffDoublesUpToTheMaximum() {
        let b = AuditRetryBackoff(initial: 1, maximum: 8)
        XCTAssertEqual((0...6).map { b.delay(afterFailures: $0) }, [0, 1, 2, 4, 8, 8, 8])
    }
}

/// Passes the first `successes` appends to `base`, then fails every one.
final class PartialStore: AuditStore, @unchecked Sendable {
    let base: FlakyStore
    private let lock = NSLock()
    private var left: Int
    init(base: FlakyStore, successes: Int) { self.base = base; left = successes }
    func append(_ event: AuditEvent) throws -> AuditRecord {
        try lock.withLock {
            guard left > 0 else { throw FlakyStore.Down() }
            left -= 1
        }
        return try base.inner.append(event)
    }
    func records(queueID: QueueID) throws -> [AuditRecord] { try base.records(queueID: queueID) }
    func verifyChain() throws -> ChainVerification { try base.verifyChain() }
}

/// Passes every append to `store`, calling `before` first (on the appending thread).
final class OnAppend: AuditStore, @unchecked Sendable {
    let store: FlakyStore
    let before: () -> Void
    init(store: FlakyStore, before: @escaping () -> Void) { self.store = store; self.before = before }
    func append(_ event: AuditEvent) throws -> AuditRecord {
        before()
        return try store.append(event)
    }
    func records(queueID: QueueID) throws -> [AuditRecord] { try store.records(queueID: queueID) }
    func verifyChain() throws -> ChainVerification { try store.verifyChain() }
}
