// Reading on the pickup: only the session that holds a message opens it (never another recipient's),
// idle sessions end, a tampered store is damaged and audited, revoked is gone, downloads are audited
// without filenames, and the read receipt goes once per message when policy asked for it.

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PickupReadingTests: PortalPickupTestCase {
    func testAnotherRecipientsMessageIsAnInvalidLinkForTheSession() async throws {
        let mine = try depositMessage()
        let theirs = try depositMessage(to: other)
        let session = try await readingSession(mine)
        store.calls.removeAll()
        await assertPickupError(.invalidLink) { try await pickup.openMessage(session, id: theirs.metadata.id.text, client: Self.client) }
        await assertPickupError(.invalidLink) { try await pickup.openMessage(session, id: "junk", client: Self.client) }
        XCTAssertEqual(store.calls.all, [], "refused before the store")
        // Signed in by password, the store refuses the other recipient's message: one answer again.
        try await pickup.setPassword(session, password: "a long passphrase", confirm: "a long passphrase", client: Self.client)
        let inbox = try await pickup.login(address: "patient@example.org", password: "a long passphrase", client: Self.client)
        await assertPickupError(.invalidLink) { try await pickup.openMessage(inbox, id: theirs.metadata.id.text, client: Self.client) }
        await eq(try await pickup.openMessage(inbox, id: mine.metadata.id.text, client: Self.client).content,
                       PortalTestCase.message)
    }

    func testNoSessionAnUnknownOneAndAnIdleOneAreInvalidLinks() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        clock.advance(by: 14 * 60)
        await eq(await pickup.state(of: session), .reading(deposit.metadata.id), "use keeps it alive")
        clock.advance(by: 14 * 60)
        _ = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
        clock.advance(by: 15 * 60)
        await isNil(await pickup.state(of: session))
        await assertPickupError(.invalidLink) { try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client) }
        await assertPickupError(.invalidLink) {
            try await pickup.openMessage(PortalSessionID(text: "x"), id: deposit.metadata.id.text, client: Self.client)
        }
        await isNil(await pickup.state(of: nil))
    }

    func testATamperedBodyIsDamagedNeverShownAndAudited() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        try flipByte(path(deposit.metadata.id, "body"), fromEnd: 20)
        await assertPickupError(.damaged) { try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client) }
        let damaged = try XCTUnwrap(audit.of(.damaged).first)
        XCTAssertEqual(damaged.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(damaged.detail, "message body")
        XCTAssertEqual(damaged.client, Self.client)
        XCTAssertTrue(audit.of(.view).isEmpty)
    }

    func testATamperedRecordIsDamagedWhenTheCodeIsAskedFor() async throws {
        let deposit = try depositMessage()
        try flipByte(path(deposit.metadata.id, "keys"), fromEnd: 30)
        let session = await arrive(deposit)
        await assertPickupError(.damaged) { try await pickup.requestCode(session, client: Self.client) }
        XCTAssertEqual(audit.of(.damaged).map(\.detail), ["message record"])
        XCTAssertEqual(mailer.mails.all.count, 0)
    }

    func testAMessageRevokedWhileReadIsGone() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        _ = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
        _ = try await admin.revoke(deposit.metadata.id.text, actor: "ops")
        await assertPickupError(.gone) { try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client) }
        XCTAssertEqual(audit.of(.revoked).first?.actor, "ops")
    }

    func testTheReadReceiptGoesToTheSenderOnceOnTheFirstViewOnly() async throws {
        let deposit = try depositMessage(readReceipt: true)
        let first = try await readingSession(deposit)
        clock.advance(by: 5)
        let openedAt = clock.now()
        _ = try await pickup.openMessage(first, id: deposit.metadata.id.text, client: Self.client)
        _ = try await pickup.openMessage(first, id: deposit.metadata.id.text, client: Self.client)
        let second = try await readingSession(deposit, client: Self.otherClient)
        _ = try await pickup.openMessage(second, id: deposit.metadata.id.text, client: Self.otherClient)

        let receipts = mailer.of(.readReceipt)
        XCTAssertEqual(receipts.count, 1)
        XCTAssertEqual(receipts.first?.recipient, clinic)
        XCTAssertEqual(receipts.first?.regarding, deposit.metadata.queueID)
        let facts = try XCTUnwrap(composer.receipts.all.first)
        XCTAssertEqual(facts.sender, clinic)
        XCTAssertEqual(facts.recipient, patient)
        XCTAssertEqual(facts.openedAt, openedAt)
        XCTAssertEqual(facts.organisation, "Example Clinic")
        XCTAssertEqual(audit.of(.readReceipt).count, 1)
        XCTAssertEqual(audit.of(.view).map(\.detail), ["views=1", "views=2"])
        XCTAssertEqual(audit.of(.view).map(\.client), [Self.client, Self.otherClient])
    }

    func testNoReadReceiptUnlessPolicyAskedForOne() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        _ = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
        XCTAssertEqual(mailer.of(.readReceipt).count, 0)
        XCTAssertEqual(audit.of(.readReceipt).count, 0)
    }

    func testAFailedReceiptDoesNotHideTheMessage() async throws {
        let deposit = try depositMessage(readReceipt: true)
        let session = try await readingSession(deposit)
        mailer.failing([.readReceipt])
        await eq(try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client).content,
                       PortalTestCase.message)
        XCTAssertTrue(logLines.all.contains { $0.contains("read receipt") })
    }

    func testADownloadIsAuditedWithItsPartTypeAndSizeNotItsName() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        await pickup.recordDownload(session, id: deposit.metadata.id, part: "2", contentType: "application/pdf", size: 5120,
                                    client: Self.client)
        let download = try XCTUnwrap(audit.of(.download).first)
        XCTAssertEqual(download.detail, "part=2 type=application/pdf size=5120")
        XCTAssertEqual(download.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(download.queueID, deposit.metadata.queueID)
        XCTAssertEqual(download.recipient, patient)
        // A session that does not hold the message records nothing.
        let stranger = await arrive(deposit)
        await pickup.recordDownload(stranger, id: deposit.metadata.id, part: "2", contentType: "application/pdf", size: 1,
                                    client: Self.client)
        XCTAssertEqual(audit.of(.download).count, 1)
    }

    func testCSRFTokensArePerSessionAndCheckedExactly() async throws {
        let deposit = try depositMessage()
        let a = await arrive(deposit)
        let b = await arrive(deposit)
        let tokenAToken = await pickup.csrfToken(a)
        let tokenA = try XCTUnwrap(tokenAToken)
        let tokenBToken = await pickup.csrfToken(b)
        let tokenB = try XCTUnwrap(tokenBToken)
        XCTAssertEqual(tokenA.count, 52, "256 random bits in base32")
        XCTAssertNotEqual(tokenA, tokenB)
        let okA = await pickup.checkCSRF(a, tokenA)
        let missing = await pickup.checkCSRF(a, nil)
        let foreign = await pickup.checkCSRF(a, tokenB)
        let truncated = await pickup.checkCSRF(a, String(tokenA.dropLast()))
        let empty = await pickup.checkCSRF(a, "")
        let noSession = await pickup.checkCSRF(nil, tokenA)
        XCTAssertTrue(okA)
        XCTAssertFalse(missing || foreign || truncated || empty || noSession)
        await pickup.logout(a)
        let afterLogout = await pickup.checkCSRF(a, tokenA)
        XCTAssertFalse(afterLogout)
        await isNil(await pickup.csrfToken(a))
        await isNil(await pickup.state(of: a))
    }

    func testAFullTableDropsTheOldestUnauthenticatedSessionFirst() async throws {
        pickup = makePickup { $0.maxSessions = 3 }
        let deposit = try depositMessage()
        let reading = try await readingSession(deposit)
        clock.advance(by: 1)
        let oldest = await arrive(deposit)
        clock.advance(by: 1)
        let newer = await arrive(deposit)
        clock.advance(by: 1)
        let newest = await arrive(deposit)
        XCTAssertEqual(pickup.sessionCount, 3)
        await eq(await pickup.state(of: reading), .reading(deposit.metadata.id), "the signed-in one stays")
        await isNil(await pickup.state(of: oldest))
        await notNil(await pickup.state(of: newer))
        await notNil(await pickup.state(of: newest))
    }
}
