// PortalReport's renderings for `sealgate portal`: the aligned table, show's key: value lines, and
// JSON with stable snake_case keys (nulls kept) for list (an array) and show (an object).

import Foundation
import MailCore
@testable import Portal
import XCTest
@testable import Gateway

final class PortalReportTests: XCTestCase {
    let created = Date(timeIntervalSince1970: 1_780_000_000)   // 2026-05-28T20:26:40Z
    let id = PortalMessageID(bytes: [UInt8](repeating: 1, count: 16))!
    let damagedID = PortalMessageID(bytes: [UInt8](repeating: 2, count: 16))!

    func metadata(viewed: Bool = false, sender: String? = "doctor@clinic.example") throws -> PortalMessageMetadata {
        PortalMessageMetadata(id: id, queueID: QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 9),
                              sender: try sender.map { try MailAddressParser.parse($0, allowUTF8: true) },
                              recipient: try MailAddressParser.parse("patient@example.org", allowUTF8: true),
                              createdAt: created, expiresAt: created.addingTimeInterval(86_400), size: 1234, state: .active,
                              views: viewed ? 2 : 0, firstViewedAt: viewed ? created.addingTimeInterval(60) : nil)
    }

    var lockout: PortalLockoutRow {
        PortalLockoutRow(PortalLockout(key: PortalLimitKey(.recipient, "patient@example.org"), until: created.addingTimeInterval(3600)))
    }

    func testTheTableAlignsItsColumns() throws {
        let rows = [PortalMessageRow(try metadata(viewed: true)), PortalMessageRow(.damaged(damagedID))]
        let lines = PortalReport.table(rows).components(separatedBy: "\n")
        XCTAssertEqual(lines.count, 3)
        let idWidth = id.text.count + 2
        XCTAssertTrue(lines[0].hasPrefix("ID" + String(repeating: " ", count: idWidth - 2) + "STATE    SENDER"), lines[0])
        XCTAssertTrue(lines[0].hasSuffix("VIEWS  FIRST VIEWED"), lines[0])
        XCTAssertEqual(lines[1], "\(id.text)  active   <doctor@clinic.example>  patient@example.org  2026-05-28T20:26:40Z  "
                       + "2026-05-29T20:26:40Z  2      2026-05-28T20:27:40Z")
        XCTAssertEqual(lines[2], "\(damagedID.text)  damaged  -                        -                    -                     "
                       + "-                     -      -")
    }

    func testTheTableNamesTheNullSenderAndListsLockouts() throws {
        let text = PortalReport.table([PortalMessageRow(try metadata(sender: nil))], lockouts: [lockout])
        XCTAssertTrue(text.contains("  active  <>      patient@example.org  "), "the column is as wide as SENDER: \(text)")
        XCTAssertTrue(text.hasSuffix("\nlockouts:\n  recipient patient@example.org until 2026-05-28T21:26:40Z"), text)
        XCTAssertEqual(PortalReport.table([]), "no portal messages")
    }

    func testListJSONIsAnArrayWithStableSnakeCaseKeys() throws {
        let text = PortalReport.json([PortalMessageRow(try metadata()), PortalMessageRow(.destroyedDamaged(damagedID, PortalGone(reason: .revoked, at: created)))])
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        let keys = ["created_at", "expires_at", "first_viewed_at", "gone_at", "id", "queue_id", "read_receipt", "recipient",
                    "sender", "size", "state", "views"]
        XCTAssertEqual(array[0].keys.sorted(), keys)
        XCTAssertEqual(array[1].keys.sorted(), keys, "the same keys, null when unknown")
        XCTAssertEqual(array[0]["created_at"] as? String, "2026-05-28T20:26:40Z")
        XCTAssertEqual(array[0]["size"] as? Int, 1234)
        XCTAssertEqual(array[0]["state"] as? String, "active")
        XCTAssertTrue(array[0]["first_viewed_at"] is NSNull)
        XCTAssertEqual(array[1]["state"] as? String, "revoked")
        XCTAssertEqual(array[1]["gone_at"] as? String, "2026-05-28T20:26:40Z")
        XCTAssertTrue(array[1]["recipient"] is NSNull)
    }

    func testShowJSONIsOneObjectWithItsLockouts() throws {
        let text = PortalReport.json(PortalMessageRow(try metadata(viewed: true)), lockouts: [lockout])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["id"] as? String, id.text)
        XCTAssertEqual(object["views"] as? Int, 2)
        XCTAssertEqual(object["first_viewed_at"] as? String, "2026-05-28T20:27:40Z")
        let lockouts = try XCTUnwrap(object["lockouts"] as? [[String: Any]])
        XCTAssertEqual(lockouts.first?["scope"] as? String, "recipient")
        XCTAssertEqual(lockouts.first?["until"] as? String, "2026-05-28T21:26:40Z")
    }

    func testShowTextHasEveryField() throws {
        var gone = try metadata()
        gone.state = .gone(PortalGone(reason: .expired, at: created.addingTimeInterval(86_400)))
        let text = PortalReport.detail(PortalMessageRow(gone), lockouts: [])
        XCTAssertEqual(text, """
            id: \(id.text)
            state: expired
            expired at: 2026-05-29T20:26:40Z
            queue id: \(gone.queueID)
            sender: <doctor@clinic.example>
            recipient: patient@example.org
            created: 2026-05-28T20:26:40Z
            expires: 2026-05-29T20:26:40Z
            size: 1234
            views: 0
            first viewed: -
            read receipt: no
            lockouts: none
            """)
    }
}
