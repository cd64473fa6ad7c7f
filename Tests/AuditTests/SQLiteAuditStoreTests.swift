// SQLiteAuditStoreTests: the SQLite store against a real file: round trips, the chain, reopening,
// file permissions, WAL mode, and concurrent appends from many threads.

import Foundation
import GRDB
import MailCore
import XCTest
@testable import Audit

final class SQLiteAuditStoreTests: XCTestCase {
    func testAppendAndQueryRoundTrip() throws {
        let store = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: Fixture.clock)
        let events = [try Fixture.accepted(), try Fixture.delivered(Fixture.otherQueueID), try Fixture.deferred(),
                      Fixture.admin()]
        var appended: [AuditRecord] = []
        for e in events { appended.append(try store.append(e)) }

        XCTAssertEqual(appended.map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(appended[0].previousHash, String(repeating: "0", count: 64))
        for i in 1..<appended.count { XCTAssertEqual(appended[i].previousHash, appended[i - 1].hash) }
        XCTAssertEqual(appended[0].time, Fixture.time)
        XCTAssertEqual(appended[0].node, "gw1")

        let mine = try store.records(queueID: Fixture.queueID)
        XCTAssertEqual(mine.map(\.sequence), [1, 3, 4])
        XCTAssertEqual(mine.map(\.event), [events[0], events[2], events[3]])
        XCTAssertEqual(mine, [appended[0], appended[2], appended[3]])
        XCTAssertEqual(try store.records(queueID: Fixture.otherQueueID).map(\.event), [events[1]])
    }

    func testQueryFilters() throws {
        let store = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: Fixture.clock)
        _ = try store.append(try Fixture.accepted())
        _ = try store.append(try Fixture.delivered())
        _ = try store.append(try Fixture.deferred())
        let carol = try Fixture.address("carol@partner.example")
        // The accepted record lists carol too.
        XCTAssertEqual(try store.records(matching: AuditQuery(recipient: carol)).map(\.sequence), [1, 3])
        XCTAssertEqual(try store.records(matching: AuditQuery(event: "delivered")).map(\.sequence), [2])
        XCTAssertEqual(try store.records(matching: AuditQuery(afterSequence: 1, limit: 1)).map(\.sequence), [2])
        XCTAssertEqual(try store.records(matching: AuditQuery(since: Fixture.time.addingTimeInterval(1))).count, 0)
        XCTAssertEqual(try store.records(matching: AuditQuery(since: Fixture.time)).count, 3)
        XCTAssertEqual(try store.head()?.sequence, 3)
    }

    func testChainVerifiesIntact() throws {
        let store = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: SystemClock())
        XCTAssertEqual(try store.verifyChain(), .intact(count: 0))
        for _ in 0..<10 { _ = try store.append(try Fixture.delivered()) }
        XCTAssertEqual(try store.verifyChain(), .intact(count: 10))
    }

    func testReopenContinuesChain() throws {
        let path = try makeTempDir(self) + "/nested/dir/audit.sqlite"
        var first: SQLiteAuditStore? = try SQLiteAuditStore(path: path, node: "gw1", clock: SystemClock())
        let r1 = try XCTUnwrap(first).append(try Fixture.accepted())
        let r2 = try XCTUnwrap(first).append(try Fixture.delivered())
        first = nil
        let second = try SQLiteAuditStore(path: path, node: "gw2", clock: SystemClock())
        let r3 = try second.append(try Fixture.deferred())
        XCTAssertEqual(r3.sequence, 3)
        XCTAssertEqual(r3.previousHash, r2.hash)
        XCTAssertEqual(r3.node, "gw2")
        XCTAssertEqual(try second.records(queueID: Fixture.queueID).map(\.hash), [r1.hash, r2.hash, r3.hash])
        XCTAssertEqual(try second.verifyChain(), .intact(count: 3))
    }

    func testFileModeIs0600AndJournalIsWAL() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/audit.sqlite"
        // A pre-existing world-readable file is tightened too.
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let store = try SQLiteAuditStore(path: path, node: "gw1", clock: SystemClock())
        _ = try store.append(try Fixture.accepted())
        for file in [path, path + "-wal"] {
            let attrs = try FileManager.default.attributesOfItem(atPath: file)
            XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600, file)
        }
        let raw = try DatabaseQueue(path: path)
        XCTAssertEqual(try raw.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
    }

    func testConcurrentAppendsKeepOneUnbrokenChain() throws {
        let store = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: SystemClock())
        let event = try Fixture.delivered()
        let perThread = 25
        let sequences = NSLock()
        var seen: [Int64] = []
        var failures = 0
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<perThread {
                do {
                    let r = try store.append(event)
                    sequences.withLock { seen.append(r.sequence) }
                } catch {
                    sequences.withLock { failures += 1 }
                }
            }
        }
        XCTAssertEqual(failures, 0)
        XCTAssertEqual(seen.sorted(), Array(1...Int64(8 * perThread)))
        XCTAssertEqual(try store.verifyChain(), .intact(count: 8 * perThread))
    }

    func testTwoStoresOnOneFileDoNotFork() throws {
        // Two handles (as the daemon and a CLI process would have) append alternately and concurrently.
        let path = try makeTempDir(self) + "/audit.sqlite"
        let a = try SQLiteAuditStore(path: path, node: "a", clock: SystemClock()), b = try SQLiteAuditStore(path: path, node: "b", clock: SystemClock())
        let event = try Fixture.deferred()
        let errors = NSLock()
        var failures = 0
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            for _ in 0..<20 {
                do { _ = try (i % 2 == 0 ? a : b).append(event) } catch { errors.withLock { failures += 1 } }
            }
        }
        XCTAssertEqual(failures, 0)
        XCTAssertEqual(try a.verifyChain(), .intact(count: 80))
    }

    func testStoreURL() throws {
        let dir = try makeTempDir(self)
        let store = try SQLiteAuditStore(url: "sqlite:var/audit.sqlite", node: "gw1", baseDirectory: dir, clock: SystemClock())
        XCTAssertEqual(store.path, dir + "/var/audit.sqlite")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/var/audit.sqlite"))
        XCTAssertThrowsError(try SQLiteAuditStore(url: "postgres://x", node: "gw1", baseDirectory: dir, clock: SystemClock()))
    }
}
