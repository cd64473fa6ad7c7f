// MemoryAuditStoreTests: the in-memory store (used by other targets' tests) keeps the same chain
// as the SQLite store: the same events and clock give the same hashes, record for record.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class MemoryAuditStoreTests: XCTestCase {
    func testSameChainAsSQLite() throws {
        let memory = MemoryAuditStore(node: "gw1", clock: Fixture.clock)
        let sqlite = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw1", clock: Fixture.clock)
        let events = [try Fixture.accepted(), try Fixture.deferred(), try Fixture.delivered(Fixture.otherQueueID), Fixture.admin()]
        for e in events {
            let a = try memory.append(e), b = try sqlite.append(e)
            XCTAssertEqual(a, b)
        }
        XCTAssertEqual(try memory.records(queueID: Fixture.queueID), try sqlite.records(queueID: Fixture.queueID))
        XCTAssertEqual(try memory.records(queueID: Fixture.queueID).map(\.sequence), [1, 2, 4])
        XCTAssertEqual(try memory.verifyChain(), .intact(count: 4))
        XCTAssertEqual(try memory.allRecords().map(\.event), events)
    }

    func testConcurrentAppends() throws {
        let memory = MemoryAuditStore(node: "gw1", clock: SystemClock())
        let event = try Fixture.delivered()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 { _ = try? memory.append(event) }
        }
        XCTAssertEqual(try memory.verifyChain(), .intact(count: 400))
    }
}
