// PortalAdmin and PortalExpirySweeper: metadata-only listing, revoke and purge audited with the admin
// as actor, unknown ids refused, and the hourly sweep's expiry records.

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PortalAdminTests: PortalPickupTestCase {
    func testListAndShowGiveMetadata() async throws {
        let first = try depositMessage()
        let shown = try await admin.show(first.metadata.id.text.uppercased())
        XCTAssertEqual(shown, first.metadata)
        await eq(try await admin.list(), [.message(first.metadata)])
        do {
            _ = try await admin.show("no-such-id")
            XCTFail("expected notFound")
        } catch {
            XCTAssertEqual(error as? PortalStoreError, .notFound)
        }
        XCTAssertEqual(audit.events.all.count, 0, "reading metadata is not a change")
    }

    func testRevokeIsAuditedWithTheActorAndASecondRevokeIsGone() async throws {
        let deposit = try depositMessage()
        clock.advance(by: 10)
        await eq(try await admin.revoke(deposit.metadata.id.text, actor: "root"), deposit.metadata)
        let record = try XCTUnwrap(audit.of(.revoked).first)
        XCTAssertEqual(record.actor, "root")
        XCTAssertEqual(record.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(record.queueID, deposit.metadata.queueID)
        XCTAssertEqual(record.recipient, patient)
        XCTAssertNil(record.client)
        do {
            try await admin.revoke(deposit.metadata.id.text, actor: "root")
            XCTFail("expected gone")
        } catch {
            XCTAssertEqual(error as? PortalStoreError, .gone(PortalGone(reason: .revoked, at: clock.now())))
        }
        XCTAssertEqual(audit.of(.revoked).count, 1)
    }

    func testPurgeExpiredAuditsEachWithTheActor() async throws {
        let short = try depositMessage(lifetime: 60)
        let shorter = try depositMessage(lifetime: 30)
        let long = try depositMessage()
        clock.advance(by: 60)
        let purged = try await admin.purgeExpired(actor: "ops")
        XCTAssertEqual(Set(purged.map(\.id)), [short.metadata.id, shorter.metadata.id])
        XCTAssertEqual(Set(audit.of(.expired).compactMap(\.portalMessageID)), [short.metadata.id.text, shorter.metadata.id.text])
        XCTAssertTrue(audit.of(.expired).allSatisfy { $0.actor == "ops" && $0.queueID == short.metadata.queueID })
        await eq(try await admin.show(long.metadata.id.text).state, .active)
    }

    func testTheSweeperDestroysAndAuditsExpiredMessages() async throws {
        let sweeper = PortalExpirySweeper(store: store, executor: InlineExecutor(), audit: audit, clock: clock)
        let deposit = try depositMessage(lifetime: 3600)
        await eq(await sweeper.sweep().count, 0)
        clock.advance(by: 3600)
        await eq(await sweeper.sweep().map(\.id), [deposit.metadata.id])
        XCTAssertEqual(audit.of(.expired).map(\.portalMessageID), [deposit.metadata.id.text])
        XCTAssertNil(audit.of(.expired).first?.actor)
        await eq(await sweeper.sweep().count, 0, "nothing twice")
    }

    func testTheSweeperRunsUntilCancelled() async throws {
        let sweeper = PortalExpirySweeper(store: store, executor: InlineExecutor(), audit: audit, clock: clock, interval: 600)
        let task = Task { await sweeper.run() }
        // The first sweep happens at once, then it sleeps on the test clock until cancelled.
        while clock.sleeperDeadlines.isEmpty { await Task.yield() }
        XCTAssertEqual(clock.sleeperDeadlines, [clock.now().addingTimeInterval(600)])
        XCTAssertEqual(store.calls.all, ["expire"])
        task.cancel()
        await task.value
    }
}
