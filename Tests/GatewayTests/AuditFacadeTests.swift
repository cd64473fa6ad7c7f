// AuditFacade over a temporary SQLite audit store: a message's records come back as Received-style
// lines and as JSON lines, the chain verifies, and a message with no records is an InvalidInput.
import Audit
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class AuditFacadeTests: XCTestCase {
    func testQueryReturnsTheMessagesRecordsOnly() throws {
        let config = try FacadeFixtures.config()
        let facade = AuditFacade(config: config)
        let id = FacadeFixtures.queueID(1), other = FacadeFixtures.queueID(2)
        try facade.recordAdmin(actor: "alice", action: "hold", queueID: id, detail: "offline")
        try facade.recordAdmin(actor: "alice", action: "delete", queueID: other)
        let lines = try facade.messageLines(id)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].contains("alice") && lines[0].contains("hold"), lines[0])
        let json = try facade.message(id.description, json: true).split(separator: "\n")
        XCTAssertEqual(json.count, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [String: Any])
        XCTAssertEqual(object["action"] as? String, "hold")
        XCTAssertEqual(try facade.verify(), ChainCheck(text: "\(ChainVerification.intact(count: 2))", intact: true))
    }

    func testOfflineRecordsGoBehindRecordsWaitingInTheDaemonsOutbox() throws {
        let config = try FacadeFixtures.config()
        let id = FacadeFixtures.queueID(1)
        // The daemon's outbox holds an older record (its store failed).
        try FileManager.default.createDirectory(atPath: (config.auditOutboxPath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let daemon = try AuditOutbox(store: DownStore(), path: config.auditOutboxPath, clock: SystemClock(), log: { _ in })
        try daemon.record(.adminAction(AdminEvent(actor: "daemon", action: .hold, queueID: id, detail: "older")))
        XCTAssertEqual(daemon.waiting, 1)
        let facade = AuditFacade(config: config)
        let before = try facade.verify().text
        XCTAssertTrue(before.hasSuffix("1 record(s) wait in \(config.auditOutboxPath), not yet in the chain"), before)

        let result = try facade.recordAdmin(actor: "alice", action: "release", queueID: id, detail: "offline")
        XCTAssertEqual(result.waiting, 0)
        XCTAssertNil(result.note)
        let lines = try facade.messageLines(id)
        XCTAssertEqual(lines.count, 2, "\(lines)")
        XCTAssertTrue(lines[0].contains("daemon") && lines[1].contains("alice"), "the waiting record first: \(lines)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: config.auditOutboxPath), "the outbox was drained")
        XCTAssertEqual(try facade.verify(), ChainCheck(text: "\(ChainVerification.intact(count: 2))", intact: true))
    }

    func testAnUnknownMessageIsRefused() throws {
        let facade = AuditFacade(config: try FacadeFixtures.config())
        let id = FacadeFixtures.queueID(9).description
        XCTAssertThrowsError(try facade.message(id, json: false)) { error in
            XCTAssertEqual(error as? InvalidInput,
                           InvalidInput("no audit records for \(id) (neither a queue ID nor a Message-ID on record)"))
        }
    }
}

/// A store that refuses every append.
struct DownStore: AuditStore {
    struct Down: Error {}
    func append(_ event: AuditEvent) throws -> AuditRecord { throw Down() }
    func records(queueID: QueueID) throws -> [AuditRecord] { [] }
    func verifyChain() throws -> ChainVerification { .intact(count: 0) }
}

extension AuditFacade {
    /// `audit message ID`'s lines, for tests.
    func messageLines(_ id: QueueID) throws -> [String] {
        try message(id.description, json: false).split(separator: "\n").map(String.init)
    }
}
