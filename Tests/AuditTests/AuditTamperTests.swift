// AuditTamperTests: what an attacker with raw SQL access can and cannot do unnoticed. Triggers
// refuse UPDATE/DELETE; with the triggers dropped, every edit is found at the right sequence.

import Foundation
import GRDB
import MailCore
import XCTest
@testable import Audit

final class AuditTamperTests: XCTestCase {
    private func makeStore(records: Int) throws -> (SQLiteAuditStore, DatabaseQueue) {
        let path = try makeTempDir(self) + "/audit.sqlite"
        let store = try SQLiteAuditStore(path: path, node: "gw1", clock: Fixture.clock)
        for i in 0..<records { _ = try store.append(i % 2 == 0 ? try Fixture.delivered() : try Fixture.deferred()) }
        XCTAssertEqual(try store.verifyChain(), .intact(count: records))
        return (store, try DatabaseQueue(path: path))
    }

    private func dropTriggers(_ raw: DatabaseQueue) throws {
        try raw.write { db in
            try db.execute(sql: "DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete")
        }
    }

    func testTriggersBlockUpdateAndDelete() throws {
        let (store, raw) = try makeStore(records: 3)
        XCTAssertThrowsError(try raw.write { try $0.execute(sql: "UPDATE audit_records SET outcome = 'delivered' WHERE sequence = 2") }) {
            XCTAssertTrue("\($0)".contains("append-only"), "\($0)")
        }
        XCTAssertThrowsError(try raw.write { try $0.execute(sql: "DELETE FROM audit_records WHERE sequence = 3") }) {
            XCTAssertTrue("\($0)".contains("append-only"), "\($0)")
        }
        XCTAssertEqual(try raw.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_records") }, 3)
        XCTAssertEqual(try store.verifyChain(), .intact(count: 3))
    }

    func testEditedCanonicalRecordIsDetectedAtItsSequence() throws {
        let (store, raw) = try makeStore(records: 5)
        try dropTriggers(raw)
        try raw.write { db in
            try db.execute(sql: """
                UPDATE audit_records SET canonical = replace(canonical, '"deferred"', '"delivered"'),
                    event = 'delivered', outcome = 'delivered' WHERE sequence = 4
                """)
        }
        guard case .broken(let seq, let reason) = try store.verifyChain() else { return XCTFail("tampering not detected") }
        XCTAssertEqual(seq, 4)
        XCTAssertTrue(reason.contains("hash"), reason)
    }

    func testRehashedRecordBreaksTheNextLink() throws {
        // A careful attacker also rewrites the stored hash; the next record's previous_hash betrays it.
        let (store, raw) = try makeStore(records: 5)
        try dropTriggers(raw)
        let forged = try raw.read { db -> String in
            let canonical = try String.fetchOne(db, sql: "SELECT canonical FROM audit_records WHERE sequence = 2") ?? ""
            return canonical.replacingOccurrences(of: "451 4.3.0 Try again later", with: "250 2.0.0 Ok")
        }
        let forgedHash = CanonicalRecord.sha256Hex(forged)
        try raw.write { db in
            try db.execute(sql: "UPDATE audit_records SET canonical = ?, hash = ? WHERE sequence = 2", arguments: [forged, forgedHash])
        }
        guard case .broken(let seq, let reason) = try store.verifyChain() else { return XCTFail("tampering not detected") }
        XCTAssertEqual(seq, 3)
        XCTAssertTrue(reason.contains("previous_hash"), reason)
    }

    func testEditedQueryColumnIsDetected() throws {
        let (store, raw) = try makeStore(records: 3)
        try dropTriggers(raw)
        try raw.write { try $0.execute(sql: "UPDATE audit_records SET recipient = 'eve@evil.example' WHERE sequence = 2") }
        XCTAssertEqual(try store.verifyChain().brokenSequence, 2)
    }

    func testDeletedRecordIsDetected() throws {
        let (store, raw) = try makeStore(records: 5)
        try dropTriggers(raw)
        try raw.write { try $0.execute(sql: "DELETE FROM audit_records WHERE sequence = 3") }
        guard case .broken(let seq, let reason) = try store.verifyChain() else { return XCTFail("deletion not detected") }
        XCTAssertEqual(seq, 3)
        XCTAssertTrue(reason.contains("missing"), reason)
    }

    func testForkedLinkIsRefusedByTheSchema() throws {
        // Two records may never claim the same predecessor.
        let (_, raw) = try makeStore(records: 2)
        XCTAssertThrowsError(try raw.write { db in
            try db.execute(sql: """
                INSERT INTO audit_records (sequence, time, node, event, previous_hash, hash, canonical)
                SELECT 3, time, node, event, previous_hash, 'x', canonical FROM audit_records WHERE sequence = 2
                """)
        })
    }
}

extension ChainVerification {
    var brokenSequence: Int64? { if case .broken(let s, _) = self { return s } else { return nil } }
}
