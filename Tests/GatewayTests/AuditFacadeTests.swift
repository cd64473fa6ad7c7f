// AuditFacade over a temporary SQLite audit store: a message's records come back as Received-style
// lines and as a JSON array, the chain verifies, and a malformed queue ID is an InvalidInput.
import Audit
import Foundation
import XCTest
@testable import Gateway

final class AuditFacadeTests: XCTestCase {
    func testQueryReturnsTheMessagesRecordsOnly() throws {
        let config = try FacadeFixtures.config()
        let facade = AuditFacade(config: config)
        let id = FacadeFixtures.queueID(1), other = FacadeFixtures.queueID(2)
        try facade.recordAdmin(actor: "alice", action: "hold", queueID: id, detail: "offline")
        try facade.recordAdmin(actor: "alice", action: "delete", queueID: other)
        let lines = try facade.records(queueID: id.description, json: false)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].contains("alice") && lines[0].contains("hold"), lines[0])
        let json = try facade.records(queueID: id.description, json: true)
        XCTAssertEqual(json.count, 1)
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 1)
        XCTAssertEqual(try facade.verify(), ChainCheck(text: "\(ChainVerification.intact(count: 2))", intact: true))
    }

    func testAnUnknownMessageHasNoRecordsAndABadIDIsRefused() throws {
        let facade = AuditFacade(config: try FacadeFixtures.config())
        XCTAssertEqual(try facade.records(queueID: FacadeFixtures.queueID(9).description, json: false), [])
        let json = try facade.records(queueID: FacadeFixtures.queueID(9).description, json: true)
        XCTAssertEqual(json.count, 1)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [Any])?.count, 0)
        XCTAssertThrowsError(try facade.records(queueID: "nope", json: false)) { error in
            XCTAssertEqual(error as? InvalidInput, InvalidInput("not a queue ID: nope"))
        }
    }
}
