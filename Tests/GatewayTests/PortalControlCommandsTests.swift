// ControlCommands' portal_* requests over a real portal store: metadata rows with no content, show
// with its lockouts, revoke and purge audited with the admin, unlock, unknown ids, no portal configured.

import Audit
import Foundation
import MailCore
@testable import Portal
import XCTest
@testable import Gateway

final class PortalControlCommandsTests: PortalControlTestCase {
    func testListShowsBothDepositsAsMetadataAndNoContent() async throws {
        let first = try deposit()
        clock.advance(by: 5)
        let second = try deposit(to: other, nullSender: true)
        let response = await run("portal_list")
        XCTAssertTrue(response.ok, response.message)
        let rows = try XCTUnwrap(response.portal).messages
        XCTAssertEqual(rows.map(\.id), [first.id.text, second.id.text], "oldest first")
        XCTAssertEqual(rows[0].state, .active)
        XCTAssertEqual(rows[0].sender, "doctor@clinic.example")
        XCTAssertEqual(rows[0].recipient, "patient@example.org")
        XCTAssertEqual(rows[0].queueID, first.queueID.description)
        XCTAssertEqual(rows[0].createdAt, first.createdAt)
        XCTAssertEqual(rows[0].expiresAt, first.expiresAt)
        XCTAssertEqual(rows[0].views, 0)
        XCTAssertNil(rows[0].firstViewedAt)
        XCTAssertEqual(rows[1].sender, "", "the null reverse-path")
        XCTAssertEqual(rows[1].recipient, "someone@example.net")
        let line = wire(response)
        XCTAssertFalse(line.contains(Self.body), line)
        XCTAssertFalse(line.contains("00123456"), line)
        XCTAssertFalse(line.contains(Self.subject), line)
        XCTAssertTrue(audit.events.isEmpty, "listing changes nothing and is not audited")
    }

    func testTheListAnswerSurvivesTheWire() async throws {
        try deposit()
        lock(.client("192.0.2.7"))
        let response = await run("portal_list")
        let decoded = try ControlCodec.decode(ControlResponse.self, from: ControlCodec.encodeLine(response))
        XCTAssertEqual(decoded.portal, response.portal)
        XCTAssertEqual(decoded.portal?.lockouts.map(\.value), ["192.0.2.7"])
    }

    func testShowGivesTheMetadataAndTheLockoutsTouchingIt() async throws {
        let metadata = try deposit()
        lock(.recipient(patient))
        lock(.message(metadata.id))
        lock(.client("192.0.2.7"))
        let response = await run("portal_show", metadata.id.text.uppercased())
        XCTAssertTrue(response.ok, response.message)
        XCTAssertEqual(response.portal?.messages, [PortalMessageRow(metadata)])
        XCTAssertEqual(response.portal?.messages.first?.size, metadata.size)
        XCTAssertEqual(Set(response.portal?.lockouts.map { "\($0.scope) \($0.value)" } ?? []),
                       ["recipient patient@example.org", "message \(metadata.id.text)"], "not the client's")
        XCTAssertFalse(wire(response).contains(Self.body))
    }

    func testRevokeThenListShowsRevokedAndTheAuditNamesTheAdmin() async throws {
        let metadata = try deposit()
        clock.advance(by: 60)
        let revoked = await run("portal_revoke", metadata.id.text, actor: "alice")
        XCTAssertTrue(revoked.ok, revoked.message)
        XCTAssertEqual(revoked.message, "\(metadata.id.text): revoked; its keys and content are destroyed")
        let list = await run("portal_list")
        let rows = try XCTUnwrap(list.portal).messages
        XCTAssertEqual(rows.map(\.state), [.revoked])
        XCTAssertEqual(rows.first?.goneAt, clock.now())
        XCTAssertEqual(rows.first?.recipient, "patient@example.org", "the tombstone keeps the metadata")
        let event = try XCTUnwrap(audit.portal.first)
        XCTAssertEqual(audit.portal.count, 1)
        XCTAssertEqual(event.kind.eventName, "portal_revoked")
        XCTAssertEqual(event.actor, "alice")
        XCTAssertEqual(event.portalMessageID, metadata.id.text)
        let again = await run("portal_revoke", metadata.id.text)
        XCTAssertFalse(again.ok)
        XCTAssertTrue(again.message.hasPrefix("portal message \(metadata.id.text) is gone: revoked at "), again.message)
        XCTAssertEqual(audit.portal.count, 1, "a refused revoke is not audited")
    }

    func testPurgeExpiredDestroysOnlyWhatExpired() async throws {
        let short = try deposit(lifetime: 60)
        let long = try deposit(to: other)
        let early = await run("portal_purge_expired")
        XCTAssertEqual(early.message, "purged 0 expired portal message(s)")
        clock.advance(by: 61)
        let purged = await run("portal_purge_expired", actor: "bob")
        XCTAssertTrue(purged.ok, purged.message)
        XCTAssertEqual(purged.message, "purged 1 expired portal message(s)")
        XCTAssertEqual(purged.portal?.messages.map(\.id), [short.id.text])
        let list = await run("portal_list")
        let states = Dictionary(uniqueKeysWithValues: try XCTUnwrap(list.portal).messages.map { ($0.id, $0.state) })
        XCTAssertEqual(states, [short.id.text: .expired, long.id.text: .active])
        XCTAssertEqual(audit.portal.map(\.kind), [.expired])
        XCTAssertEqual(audit.portal.first?.actor, "bob")
    }

    func testUnlockLiftsARecipientLockout() async throws {
        try deposit()
        lock(.recipient(patient))
        XCTAssertEqual(admin.lockouts().count, 1)
        let response = await run("portal_unlock", "Patient@EXAMPLE.org", actor: "carol")
        XCTAssertTrue(response.ok, response.message)
        XCTAssertEqual(response.message, "lifted 1 lockout(s): recipient patient@example.org")
        XCTAssertEqual(response.portal?.lockouts.map(\.scope), ["recipient"])
        XCTAssertTrue(admin.lockouts().isEmpty)
        XCTAssertEqual(audit.portal.map(\.kind), [.unlock])
        XCTAssertEqual(audit.portal.first?.actor, "carol")
        let again = await run("portal_unlock", "patient@example.org")
        XCTAssertTrue(again.ok)
        XCTAssertEqual(again.message, "no lockout on patient@example.org")
    }

    func testUnknownIdsMissingArgumentsAndUnknownCommandsAreRefused() async throws {
        let unknown = PortalMessageID(bytes: [UInt8](repeating: 7, count: 16))!.text
        for command in ["portal_show", "portal_revoke"] {
            let response = await run(command, unknown)
            XCTAssertFalse(response.ok)
            XCTAssertEqual(response.message, "no portal message \(unknown)")
            XCTAssertNil(response.portal)
        }
        let missing = await run("portal_show")
        XCTAssertEqual(missing.message, "portal_show needs a portal message id")
        XCTAssertFalse(missing.ok)
        let noTarget = await run("portal_unlock", "  ")
        XCTAssertEqual(noTarget.message, "portal_unlock needs a target")
        let unknownPortal = await run("portal_frobnicate")
        XCTAssertFalse(unknownPortal.ok)
        XCTAssertEqual(unknownPortal.message, "unknown command portal_frobnicate")
        let unknownCommand = await run("frobnicate")
        XCTAssertEqual(unknownCommand.message, "unknown command frobnicate")
        XCTAssertTrue(audit.events.isEmpty)
    }

    func testWithoutAPortalEveryPortalCommandSaysSo() async throws {
        commands = try makeCommands(portal: nil)
        for command in ["portal_list", "portal_show", "portal_revoke", "portal_unlock", "portal_purge_expired"] {
            let response = await run(command, "x")
            XCTAssertFalse(response.ok, command)
            XCTAssertEqual(response.message, "the portal is not configured (no portal: section in the config)", command)
        }
        let ping = await run("ping")
        XCTAssertEqual(ping.message, "pong", "the rest of the socket still works")
    }
}
