// QueueFacade on an offline spool in a temporary directory (no daemon on the control socket): list
// and show render the committed messages; hold works offline and is audited; flush is refused; a
// failed audit append after an offline change reports the change and the failure.
import Audit
import Foundation
import MailCore
import Queue
import XCTest
@testable import Gateway

final class QueueFacadeTests: XCTestCase {
    private func spoolWithOneMessage() throws -> (QueueFacade, GatewayConfig, QueueID) {
        let config = try FacadeFixtures.config()
        try FileManager.default.createDirectory(atPath: config.spoolPath, withIntermediateDirectories: true)
        let facade = QueueFacade(config: config, actor: "alice")
        let id = FacadeFixtures.queueID(1)
        try facade.openSpool().commit(envelope: try FacadeFixtures.envelope(id, to: ["a@example.test", "b@example.test"]),
                                      message: FacadeFixtures.message(body: "hello"))
        return (facade, config, id)
    }

    func testListAndShowAnOfflineSpool() throws {
        let (facade, _, id) = try spoolWithOneMessage()
        let lines = try facade.list(json: false)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasPrefix("\(id)        64  "), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("<sender@example.org>  pending=2"), lines[0])
        let json = try facade.list(json: true)
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json[0].utf8)) as? [[String: Any]])
        XCTAssertEqual(array.first?["queue_id"] as? String, id.description)
        let shown = try facade.show(id: id.description, json: false, body: false)
        XCTAssertTrue(shown.contains("  to=<b@example.test> status=pending attempts=0\n"), shown)
        XCTAssertTrue(shown.hasSuffix("To: b@example.net\r\nSubject: notes\r\n"), shown)
        XCTAssertFalse(shown.contains("hello"), "the body is shown only with body: true")
    }

    func testShowingTheBodyOfflineIsAudited() throws {
        let (facade, config, id) = try spoolWithOneMessage()
        XCTAssertTrue(try facade.show(id: id.description, json: false, body: true).contains("hello"))
        let lines = try AuditFacade(config: config).messageLines(id)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].contains("show_body"), lines[0])
    }

    func testOfflineHoldIsAppliedAndAuditedAndFlushIsRefused() throws {
        let (facade, config, id) = try spoolWithOneMessage()
        XCTAssertEqual(try facade.admin("hold", id: id.description), .done("\(id): held 2 recipient(s) (offline)"))
        XCTAssertTrue(try facade.list(json: false)[0].hasSuffix("held=2"))
        let audit = try AuditFacade(config: config).messageLines(id)
        XCTAssertTrue(audit.count == 1 && audit[0].contains("hold"), "\(audit)")
        XCTAssertEqual(try facade.admin("flush", id: nil),
                       .refused("the daemon is not running (\(config.controlSocketPath)); nothing to flush"))
        XCTAssertThrowsError(try facade.admin("delete", id: "nope")) { error in
            XCTAssertEqual(error as? InvalidInput, InvalidInput("not a queue ID: nope"))
        }
    }

    func testOfflineChangeWhoseAuditFailsReportsBoth() throws {
        let (facade, config, id) = try spoolWithOneMessage()
        guard case .sqlite(let auditPath) = config.auditStore else { return XCTFail("expected a SQLite audit store") }
        // A directory where the audit database should be: opening the store fails.
        try FileManager.default.createDirectory(atPath: auditPath, withIntermediateDirectories: true)
        guard case .doneButNotAudited(let line, let auditError) = try facade.admin("hold", id: id.description) else {
            return XCTFail("the audit failure was not reported")
        }
        XCTAssertEqual(line, "\(id): held 2 recipient(s) (offline)")
        XCTAssertTrue(auditError.hasPrefix("the change was made but not audited: "), auditError)
        XCTAssertTrue(try facade.list(json: false)[0].hasSuffix("held=2"), "the spool change stands")
    }
}
