// AuditQuery over a known set in the real SQLite store: each filter selects exactly the expected
// records, in SQL (the store) and in memory (AuditQuery.select), so the two meanings cannot drift.
// QueryChecks holds the checks; PostgresAuditQueryTests runs them on PostgreSQL too.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class AuditQueryTests: XCTestCase {
    private var store: SQLiteAuditStore!
    private var all: [AuditRecord] = []
    /// Records are named by their sequence (one chain).
    private var checks: QueryChecks { QueryChecks(store: store, all: all, label: \.sequence) }

    override func setUpWithError() throws {
        let path = try makeTempDir(self) + "/audit.sqlite"
        all = try QuerySet.build(path: path)
        store = try SQLiteAuditStore(path: path, node: "gw1", clock: Fixture.clock)
    }

    func testTheSetIsWhatTheOtherTestsAssume() throws {
        XCTAssertEqual(all.count, 11)
        XCTAssertEqual(all.map(\.event.name), ["accepted", "delivered", "delivered", "accepted", "delivered", "accepted",
                                               "delivered", "deferred", "delivered", "admin_action", "delivered"])
        XCTAssertEqual(try store.verifyChain(), .intact(count: 11))
        // The new fields come back from the stored canonical text.
        guard case .accepted(let a) = all[0].event, case .adminAction(let admin) = all[9].event else { return XCTFail("\(all)") }
        XCTAssertEqual(a.messageID, "<m1@gw.example>")
        XCTAssertEqual(a.policy?.map(\.rule), ["phi-tls", "default"])
        XCTAssertEqual(admin.files, [FileHash(path: "/etc/sealgate.yaml",
                                              sha256: "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")])
    }

    func testRecordsWithoutTheNewFieldsStillDecode() throws {
        let old = #"{"actor":"root","action":"hold","event":"admin_action","queue_id":"\#(Fixture.queueID)"}"#
        XCTAssertEqual(try JSONDecoder().decode(AuditEvent.self, from: Data(old.utf8)), Fixture.admin(Fixture.queueID).withoutDetail)
        let accepted = try JSONEncoder().encode(try Fixture.accepted())
        XCTAssertFalse(String(decoding: accepted, as: UTF8.self).contains("message_id"), "absent, never null")
    }

    func testTimeAndNode() throws { try checks.timeAndNode() }
    func testSenderIncludingTheNullSenderAndCase() throws { try checks.senderIncludingTheNullSenderAndCase() }
    func testRecipientAndDomain() throws { try checks.recipientAndDomain() }
    func testQueueIDAndMessageID() throws { try checks.queueIDAndMessageID() }
    func testMethodOutcomeAndRule() throws { try checks.methodOutcomeAndRule() }
    func testTLSBelowCountsPlaintextHopsAndTheInboundSession() throws { try checks.tlsBelowCountsPlaintextHopsAndTheInboundSession() }
    func testUnencryptedFindsExactlyThePlaintextDeliveries() throws { try checks.unencryptedFindsExactlyThePlaintextDeliveries() }
    func testLimitAndEvents() throws { try checks.limitAndEvents() }

    func testMemoryStoreAnswersTheSameQuery() throws {
        let memory = MemoryAuditStore(node: "gw1", clock: Fixture.clock)
        for r in all { _ = try memory.append(r.event) }
        var q = AuditQuery()
        q.unencrypted = true
        XCTAssertEqual(try memory.records(matching: q).map(\.sequence), [3, 11])
    }

    func testTLSVersionFloorParsing() {
        XCTAssertEqual(TLSVersionFloor("1.0")?.rank, 1)
        XCTAssertEqual(TLSVersionFloor("TLS1.1")?.rank, 2)
        XCTAssertEqual(TLSVersionFloor("tlsv1.3")?.rank, 4)
        XCTAssertNil(TLSVersionFloor("1.7"))
        XCTAssertNil(TLSVersionFloor("SSLv3"))
        XCTAssertEqual(TLSVersionFloor.rank(of: "0x304"), 0)
    }
}

/// The filter checks over QuerySet, for any store that holds it: each filter selects exactly the
/// expected records (named as QuerySet numbers them, 1-11 in time order), in the store and in memory.
struct QueryChecks {
    let store: AuditQuerying
    /// Every record, in the store's order (memory evaluation runs over it).
    let all: [AuditRecord]
    /// A record's number in QuerySet.
    let label: (AuditRecord) -> Int64

    /// The records `query` selects, checked to be the same in the store and in memory.
    func selected(_ configure: (inout AuditQuery) -> Void, file: StaticString = #filePath, line: UInt = #line) throws -> [Int64] {
        var q = AuditQuery()
        configure(&q)
        let stored = try store.records(matching: q).map(label)
        let memory = q.select(from: all).map(label)
        XCTAssertEqual(stored, memory, "the store's SQL and in-memory evaluation disagree", file: file, line: line)
        return stored
    }

    func timeAndNode() throws {
        XCTAssertEqual(try selected { $0.since = QuerySet.day2 }, [4, 5, 6, 7, 8, 9, 10, 11])
        XCTAssertEqual(try selected { $0.until = QuerySet.day2 }, [1, 2, 3])
        XCTAssertEqual(try selected { $0.since = QuerySet.day1.addingTimeInterval(60); $0.until = QuerySet.day1.addingTimeInterval(120) }, [2])
        XCTAssertEqual(try selected { $0.node = "gw2" }, [6, 7, 8, 9])
        XCTAssertEqual(try selected { $0.node = "gw3" }, [])
    }

    func senderIncludingTheNullSenderAndCase() throws {
        XCTAssertEqual(try selected { $0.sender = .address(QuerySet.a("alice@gw.example")) }, [1, 2, 3])
        XCTAssertEqual(try selected { $0.sender = .null }, [4, 5])
        XCTAssertEqual(try selected { $0.sender = .address(QuerySet.a("bob@partner.example")) }, [6, 7, 8, 9])
        XCTAssertEqual(try selected { $0.sender = .address(QuerySet.a("nobody@gw.example")) }, [])
    }

    func recipientAndDomain() throws {
        XCTAssertEqual(try selected { $0.recipient = QuerySet.a("bob@partner.example") }, [1, 2])
        XCTAssertEqual(try selected { $0.recipient = QuerySet.a("FRANK@third.example") }, [6, 8, 9])
        XCTAssertEqual(try selected { $0.domain = "partner.example" }, [1, 2, 4, 5, 6, 7])
        XCTAssertEqual(try selected { $0.domain = "third.example" }, [6, 8, 9])
        XCTAssertEqual(try selected { $0.domain = "example" }, [], "a domain matches whole, not as a suffix of another")
    }

    func queueIDAndMessageID() throws {
        XCTAssertEqual(try selected { $0.queueID = QuerySet.q2 }, [4, 5])
        XCTAssertEqual(try selected { $0.messageID = "m1@gw.example" }, [1, 2, 3])
        XCTAssertEqual(try selected { $0.messageID = "<m2@gw.example>" }, [4, 5])
        XCTAssertEqual(try selected { $0.messageID = "<m3@gw.example>" }, [])
    }

    func methodOutcomeAndRule() throws {
        XCTAssertEqual(try selected { $0.method = "tls" }, [2, 3, 7])
        XCTAssertEqual(try selected { $0.method = "smime" }, [5])
        XCTAssertEqual(try selected { $0.method = "portal" }, [9])
        XCTAssertEqual(try selected { $0.method = "none" }, [8])
        XCTAssertEqual(try selected { $0.outcome = .delivered }, [2, 3, 5, 7, 9, 11])
        XCTAssertEqual(try selected { $0.outcome = .deferred }, [8])
        XCTAssertEqual(try selected { $0.rule = "phi-tls" }, [1, 2, 6, 7, 8, 9])
        XCTAssertEqual(try selected { $0.rule = "default" }, [1, 3])
        XCTAssertEqual(try selected { $0.rule = "phi-smime" }, [4, 5])
    }

    func tlsBelowCountsPlaintextHopsAndTheInboundSession() throws {
        XCTAssertEqual(try selected { $0.tlsBelow = TLSVersionFloor("1.3") }, [3, 4, 5, 6, 7, 8, 11])
        XCTAssertEqual(try selected { $0.tlsBelow = TLSVersionFloor("TLSv1.2") }, [3, 4, 5, 8, 11])
        XCTAssertEqual(try selected { $0.tlsBelow = TLSVersionFloor("1.2"); $0.outcome = .delivered }, [3, 5, 11])
    }

    func unencryptedFindsExactlyThePlaintextDeliveries() throws {
        // Not dave's (S/MIME over plaintext), not frank's (the portal), not erin's (TLS, unverified).
        XCTAssertEqual(try selected { $0.unencrypted = true }, [3, 11])
        XCTAssertEqual(try selected { $0.unencrypted = true; $0.domain = "other.example" }, [3])
        XCTAssertEqual(try selected { $0.unencrypted = true; $0.sender = .address(QuerySet.a("alice@gw.example")) }, [3])
    }

    func limitAndEvents() throws {
        XCTAssertEqual(try selected { $0.outcome = .delivered; $0.limit = 2 }, [2, 3])
        XCTAssertEqual(try selected { $0.events = ["deferred", "admin_action"] }, [8, 10])
    }
}

private extension AuditEvent {
    /// Fixture.admin's record as a hold with no detail (an old record's shape).
    var withoutDetail: AuditEvent {
        guard case .adminAction(var a) = self else { return self }
        a.action = "hold"; a.detail = nil
        return .adminAction(a)
    }
}

final class AuditExportTests: XCTestCase {
    func testAnExportIsOneUnbrokenRunThatChecksOnItsOwn() throws {
        let path = try makeTempDir(self) + "/audit.sqlite"
        _ = try QuerySet.build(path: path)
        let store = try SQLiteAuditStore(path: path, node: "gw1", clock: Fixture.clock)
        let day2 = try store.export(since: QuerySet.day2, until: nil)
        XCTAssertEqual(day2.map(\.sequence), Array(4...11))
        XCTAssertEqual(try store.export(since: nil, until: QuerySet.day2).map(\.sequence), [1, 2, 3])
        XCTAssertEqual(try store.export(since: QuerySet.day2.addingTimeInterval(86_400), until: nil), [])
        let lines = day2.map(\.canonical)
        XCTAssertEqual(try CanonicalRun.check(lines, firstSequence: 4, previousHash: day2[0].previousHash).get(), day2.last?.hash)
        var missing = lines
        missing.remove(at: 3)
        guard case .failure(let gap) = CanonicalRun.check(missing, firstSequence: 4, previousHash: day2[0].previousHash) else {
            return XCTFail("a removed record went unnoticed")
        }
        XCTAssertEqual("\(gap)", "audit record 7 is corrupt: record missing (found 8)")
        var edited = lines
        edited[1] = edited[1].replacingOccurrences(of: "dave@partner.example", with: "dave@partner.exampl")
        guard case .failure(let link) = CanonicalRun.check(edited, firstSequence: 4, previousHash: day2[0].previousHash) else {
            return XCTFail("an edited record went unnoticed")
        }
        XCTAssertEqual("\(link)", "audit record 6 is corrupt: previous_hash does not match the previous record's hash")
    }
}
