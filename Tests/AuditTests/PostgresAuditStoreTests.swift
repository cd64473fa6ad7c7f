// PostgresAuditStoreTests: the shared audit log on a real PostgreSQL 15: append, read and verify;
// two nodes' separate chains; the node lock; and the role that may only INSERT and SELECT.

import Foundation
import MailCore
import TestSupport
import XCTest
@testable import Audit

final class PostgresAuditStoreTests: XCTestCase {
    func testAppendReadVerify() throws {
        let db = try PostgresFixture.database(self)
        let store = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        XCTAssertNil(try store.connectAtStart())
        let first = try store.append(try Fixture.accepted())
        let second = try store.append(try Fixture.delivered())
        _ = try store.append(try Fixture.accepted(Fixture.otherQueueID))
        XCTAssertEqual([first.sequence, second.sequence], [1, 2])
        XCTAssertEqual(second.previousHash, first.hash)
        XCTAssertEqual(try store.records(queueID: Fixture.queueID), [first, second])
        let result = try store.verifyNodes()
        XCTAssertTrue(result.isIntact, result.description)
        XCTAssertEqual(result.description, "node mx1: intact(count: 3)")
        XCTAssertEqual(try store.verifyChain(), .intact(count: 3))
        XCTAssertEqual(try store.heads().map(\.sequence), [3])
    }

    func testTwoNodesInterleaveWithSeparateChains() throws {
        let db = try PostgresFixture.database(self)
        let a = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        let b = try PostgresFixture.open(self, node: "mx2", nodeID: 2, database: db)
        var seqA: [Int64] = [], seqB: [Int64] = []
        for _ in 0..<5 {
            seqA.append(try a.append(try Fixture.accepted()).sequence)
            seqB.append(try b.append(try Fixture.delivered()).sequence)
        }
        XCTAssertEqual(seqA, [1, 2, 3, 4, 5])
        XCTAssertEqual(seqB, [1, 2, 3, 4, 5])
        XCTAssertEqual(Set(try a.records(queueID: Fixture.queueID).map(\.node)), ["mx1", "mx2"])
        let result = try b.verifyNodes()
        XCTAssertEqual(result.description, "node mx1: intact(count: 5)\nnode mx2: intact(count: 5)")
        XCTAssertEqual(try a.heads().map(\.node), ["mx1", "mx2"])
    }

    func testConcurrentAppendsShareTheChain() throws {
        let db = try PostgresFixture.database(self)
        let store = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        let event = try Fixture.accepted()
        DispatchQueue.concurrentPerform(iterations: 40) { _ in
            do { _ = try store.append(event) } catch { XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.verifyChain(), .intact(count: 40))
    }

    func testASecondProcessWithTheSameNodeIsRefused() throws {
        let db = try PostgresFixture.database(self)
        let first = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        XCTAssertNil(try first.connectAtStart())
        let sameName = try PostgresFixture.open(self, node: "mx1", nodeID: 7, database: db)
        XCTAssertThrowsError(try sameName.connectAtStart()) { error in
            XCTAssertTrue("\(error)".contains("another process holds the lock on node name \"mx1\""), "\(error)")
        }
        let sameID = try PostgresFixture.open(self, node: "mx9", nodeID: 1, database: db)
        XCTAssertThrowsError(try sameID.connectAtStart()) { error in
            XCTAssertTrue("\(error)".contains("node_id 1"), "\(error)")
        }
        XCTAssertThrowsError(try sameName.append(try Fixture.accepted()))
        first.close()
        XCTAssertNil(try sameName.connectAtStart())
        XCTAssertEqual(try sameName.append(try Fixture.accepted()).sequence, 1)
    }

    func testTheRoleMayOnlyInsertAndSelect() throws {
        let db = try PostgresFixture.database(self)
        let store = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        _ = try store.append(try Fixture.accepted())
        let cluster = try PostgresFixture.cluster()
        func asRole(_ sql: String) throws -> String {
            try cluster.psql(sql, database: db, user: PostgresFixture.role, password: PostgresFixture.rolePassword)
        }
        XCTAssertEqual(try asRole("SELECT count(*) FROM audit_records"), "1")
        for sql in ["UPDATE audit_records SET outcome = 'delivered'", "DELETE FROM audit_records",
                    "TRUNCATE audit_records", "DROP TABLE audit_records"] {
            XCTAssertThrowsError(try asRole(sql), sql) { error in
                XCTAssertTrue("\(error)".contains("permission denied") || "\(error)".contains("must be owner"), "\(sql): \(error)")
            }
        }
        // The owner is refused by the append-only trigger.
        XCTAssertThrowsError(try cluster.psql("DELETE FROM audit_records", database: db)) { error in
            XCTAssertTrue("\(error)".contains("append-only"), "\(error)")
        }
    }

    func testUnreachableAtStartThenRecordsReplayThroughTheOutbox() throws {
        let db = try PostgresFixture.database(self)
        let cluster = try PostgresFixture.cluster()
        let dir = try makeTempDir(self)
        cluster.stop()
        defer { if cluster.pid == 0 { try? cluster.start() } }
        let store = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: db)
        XCTAssertNotNil(try store.connectAtStart())
        XCTAssertFalse(store.isReachable)
        let outbox = try AuditOutbox(store: store, path: dir + "/audit.outbox", clock: SystemClock(),
                                     backoff: AuditRetryBackoff(initial: 0, maximum: 0), log: { _ in })
        for _ in 0..<3 { try outbox.record(try Fixture.accepted()) }
        XCTAssertEqual(outbox.waiting, 3)
        try cluster.start()
        XCTAssertEqual(outbox.drain(), 0)
        XCTAssertTrue(store.isReachable)
        XCTAssertEqual(try store.records(queueID: Fixture.queueID).count, 3)
        XCTAssertEqual(try store.verifyChain(), .intact(count: 3))
    }

    func testSchemaMissingIsNamed() throws {
        let cluster = try PostgresFixture.cluster()
        try cluster.psql("CREATE DATABASE audit_empty_\(getpid())")
        let store = try PostgresFixture.open(self, node: "mx1", nodeID: 1, database: "audit_empty_\(getpid())")
        XCTAssertThrowsError(try store.connectAtStart()) { error in
            XCTAssertTrue("\(error)".contains("sealgate audit init-db"), "\(error)")
        }
    }
}
