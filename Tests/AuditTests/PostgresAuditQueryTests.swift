// AuditQuery and export on a real PostgreSQL 15: QuerySet written by two nodes (a chain each), every
// QueryChecks filter in PostgreSQL's SQL against the in-memory meaning, Unicode case, per-node export runs.

import Foundation
import MailCore
import XCTest
@testable import Audit

final class PostgresAuditQueryTests: XCTestCase {
    private var gw1: PostgresAuditStore!
    private var all: [AuditRecord] = []
    /// Records are named by their place in QuerySet (time order): each node has its own sequences.
    private var checks: QueryChecks {
        let numbers = Dictionary(uniqueKeysWithValues: all.enumerated().map { ("\($1.node)/\($1.sequence)", Int64($0 + 1)) })
        return QueryChecks(store: gw1, all: all, label: { numbers["\($0.node)/\($0.sequence)"] ?? -1 })
    }

    override func setUpWithError() throws {
        let db = try PostgresFixture.database(self)
        let clock = SettableClock(QuerySet.day1)
        gw1 = try PostgresFixture.open(self, node: "gw1", nodeID: 1, database: db, clock: clock)
        let gw2 = try PostgresFixture.open(self, node: "gw2", nodeID: 2, database: db, clock: clock)
        try QuerySet.append(gw1: gw1, gw2: gw2, clock: clock)
        all = try gw1.records(matching: AuditQuery())
    }

    func testTheSetIsTwoChainsInTimeOrder() throws {
        XCTAssertEqual(all.map(\.event.name), ["accepted", "delivered", "delivered", "accepted", "delivered", "accepted",
                                               "delivered", "deferred", "delivered", "admin_action", "delivered"])
        XCTAssertEqual(all.map(\.node), ["gw1", "gw1", "gw1", "gw1", "gw1", "gw2", "gw2", "gw2", "gw2", "gw1", "gw1"])
        XCTAssertEqual(all.map(\.sequence), [1, 2, 3, 4, 5, 1, 2, 3, 4, 6, 7])
        XCTAssertEqual(try gw1.verifyNodes().description, "node gw1: intact(count: 7)\nnode gw2: intact(count: 4)")
    }

    func testTimeAndNode() throws { try checks.timeAndNode() }
    func testSenderIncludingTheNullSenderAndCase() throws { try checks.senderIncludingTheNullSenderAndCase() }
    func testRecipientAndDomain() throws { try checks.recipientAndDomain() }
    func testQueueIDAndMessageID() throws { try checks.queueIDAndMessageID() }
    func testMethodOutcomeAndRule() throws { try checks.methodOutcomeAndRule() }
    func testTLSBelowCountsPlaintextHopsAndTheInboundSession() throws { try checks.tlsBelowCountsPlaintextHopsAndTheInboundSession() }
    func testUnencryptedFindsExactlyThePlaintextDeliveries() throws { try checks.unencryptedFindsExactlyThePlaintextDeliveries() }
    func testLimitAndEvents() throws { try checks.limitAndEvents() }

    func testFilterValuesAreBoundNotSpliced() throws {
        let quote = try selected { $0.node = "gw1' OR '1'='1" }
        XCTAssertEqual(quote, [], "a quote in a value is data")
        XCTAssertEqual(try selected { $0.messageID = "<x?y@gw.example>" }, [], "a ? in a value is not a placeholder")
    }

    /// Non-ASCII letters are compared without case as Swift does (ICU's root collation on the server),
    /// in PostgreSQL, in SQLite and in memory alike.
    func testNonASCIIAddressesCompareWithoutCase() throws {
        let event = AuditEvent.accepted(AcceptedEvent(queueID: QuerySet.q1, sender: QuerySet.a("ÉLODIE@Gw.Example"),
            recipients: [QuerySet.a("Jörg.Ämter@Partner.Example")], size: 1, client: Fixture.client(), policy: [QuerySet.verdict("r")]))
        let pg = try PostgresFixture.open(self, node: "gw3", nodeID: 3, database: try PostgresFixture.database(self))
        let sqlite = try SQLiteAuditStore(path: try makeTempDir(self) + "/audit.sqlite", node: "gw3", clock: Fixture.clock)
        let record = try pg.append(event)
        _ = try sqlite.append(event)
        for configure in [{ (q: inout AuditQuery) in q.sender = .address(QuerySet.a("élodie@gw.example")) },
                          { (q: inout AuditQuery) in q.recipient = QuerySet.a("JÖRG.ämter@partner.example") }] {
            var q = AuditQuery()
            configure(&q)
            XCTAssertEqual(q.select(from: [record]).count, 1, "\(q)")
            XCTAssertEqual(try pg.records(matching: q).count, 1, "PostgreSQL: \(q)")
            XCTAssertEqual(try sqlite.records(matching: q).count, 1, "SQLite: \(q)")
        }
    }

    func testAnExportIsOneUnbrokenRunPerNode() throws {
        let day2 = try gw1.exportChains(since: QuerySet.day2, until: nil)
        XCTAssertEqual(day2.map(\.node), ["gw1", "gw2"])
        XCTAssertEqual(day2.map { $0.records.map(\.sequence) }, [[4, 5, 6, 7], [1, 2, 3, 4]])
        XCTAssertEqual(day2.map(\.headSequence), [7, 4])
        for chain in day2 {
            let first = try XCTUnwrap(chain.records.first)
            XCTAssertEqual(try CanonicalRun.check(chain.records.map(\.canonical), firstSequence: first.sequence,
                                                  previousHash: first.previousHash, node: chain.node).get(), chain.records.last?.hash)
        }
        guard case .failure(let foreign) = CanonicalRun.check(day2[1].records.map(\.canonical), firstSequence: 1,
                                                              previousHash: CanonicalRun.genesisHash, node: "gw1") else {
            return XCTFail("gw2's records passed as gw1's chain")
        }
        XCTAssertEqual("\(foreign)", "audit record 1 is corrupt: a record of node gw2 in node gw1's chain")
        // Day 1 has only gw1's records; gw2's chain is still named, with its head and no records.
        let day1 = try gw1.exportChains(since: nil, until: QuerySet.day2)
        XCTAssertEqual(day1.map { $0.records.map(\.sequence) }, [[1, 2, 3], []])
        XCTAssertEqual(day1.map(\.headSequence), [7, 4])
    }

    private func selected(_ configure: (inout AuditQuery) -> Void, file: StaticString = #filePath, line: UInt = #line) throws -> [Int64] {
        try checks.selected(configure, file: file, line: line)
    }
}
