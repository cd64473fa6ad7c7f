// The pickup by emailed code: a GET-equivalent arrival touches nothing; a POST checks the link and
// mails a code; right, wrong, expired, reused and replaced codes; rate limits; lockouts and unlock.

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PickupCodeTests: PortalPickupTestCase {
    func testArrivingByALinkTouchesNoStoreSendsNothingAndRecordsNothing() async throws {
        let deposit = try depositMessage()
        let session = await arrive(deposit)
        let malformed = await pickup.arriveByLink(id: "not-an-id", token: "nor-a-token", client: Self.client)
        XCTAssertEqual(store.calls.all, [])
        XCTAssertEqual(mailer.mails.all.count, 0)
        XCTAssertEqual(audit.events.all.count, 0)
        await eq(await pickup.state(of: session), .linked(deposit.metadata.id))
        await eq(await pickup.state(of: malformed), .linked(nil))
        XCTAssertNotEqual(session, malformed)
        XCTAssertEqual(session.text.count, 26, "128 random bits in base32")
        // The malformed link fails when it is used, exactly like a wrong token.
        await assertPickupError(.invalidLink) { try await pickup.requestCode(malformed, client: Self.client) }
    }

    func testAskingForACodeChecksTheLinkMailsEightDigitsAndAuditsIt() async throws {
        let deposit = try depositMessage()
        let session = await arrive(deposit)
        let receipt = try await pickup.requestCode(session, client: Self.client)
        XCTAssertEqual(store.calls.all, ["verifyLink"], "the link is checked; no content is opened")
        XCTAssertEqual(receipt, PortalCodeReceipt(maskedAddress: "p***@example.org", expires: clock.now().addingTimeInterval(900)))
        let code = try XCTUnwrap(composer.codes.all.last)
        XCTAssertEqual(code.to, patient)
        XCTAssertEqual(code.purpose, .pickup)
        XCTAssertEqual(code.code.count, 8)
        XCTAssertTrue(code.code.allSatisfy(\.isASCII) && code.code.allSatisfy(\.isNumber))
        let mail = try XCTUnwrap(mailer.mails.all.last)
        XCTAssertEqual(mail.kind, .code)
        XCTAssertEqual(mail.recipient, patient)
        XCTAssertEqual(mail.envelopeSender, address("portal@clinic.example"))
        XCTAssertEqual(mail.regarding, deposit.metadata.queueID)
        XCTAssertEqual(mail.portalMessageID, deposit.metadata.id)
        let sent = try XCTUnwrap(audit.of(.codeSent).first)
        XCTAssertEqual(sent.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(sent.queueID, deposit.metadata.queueID)
        XCTAssertEqual(sent.recipient, patient)
        XCTAssertEqual(sent.client, Self.client)
        await eq(await pickup.state(of: session),
                       .codeSent(deposit.metadata.id, maskedAddress: "p***@example.org", expires: receipt.expires))
    }

    func testTheRightCodeLetsTheSessionReadAndTheViewIsAuditedOnce() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        await eq(await pickup.state(of: session), .reading(deposit.metadata.id))
        let opened = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
        XCTAssertEqual(opened.content, PortalTestCase.message)
        _ = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
        XCTAssertEqual(audit.kinds, [.codeSent, .login, .view])
        XCTAssertEqual(audit.of(.login).first?.detail, "by=code")
        XCTAssertEqual(audit.of(.view).first?.detail, "views=1")
        XCTAssertEqual(try fileStore.metadata(of: deposit.metadata.id).views, 1)
    }

    func testCodesWithSpacesOrDashesAreAccepted() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        let typed = " \(code.prefix(4))-\(code.dropFirst(4)) "
        await eq(try await pickup.verifyCode(session, code: typed, client: Self.client), deposit.metadata.id)
    }

    func testWrongCodesCountDownThenLockTheMessageRecipientAndClientOnce() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        for remaining in [4, 3, 2, 1] {
            await assertPickupError(.wrongCode(remaining: remaining)) {
                try await pickup.verifyCode(session, code: wrong(code), client: Self.client)
            }
        }
        let until = clock.now().addingTimeInterval(3600)
        await assertPickupError(.lockedOut(until: until)) {
            try await pickup.verifyCode(session, code: wrong(code), client: Self.client)
        }
        XCTAssertEqual(audit.of(.loginFailed).count, 5)
        XCTAssertEqual(audit.of(.loginFailed).last?.detail, "reason=wrong-code remaining=0")
        let lockouts = audit.of(.lockout)
        XCTAssertEqual(lockouts.compactMap(\.detail).map { $0.components(separatedBy: " ")[0] },
                       ["scope=message", "scope=recipient", "scope=client"])
        XCTAssertTrue(lockouts.allSatisfy { $0.portalMessageID == deposit.metadata.id.text && $0.recipient == patient })
        // Locked: even the right code is refused now, and no lockout is recorded twice.
        await assertPickupError(.lockedOut(until: until)) { try await pickup.verifyCode(session, code: code, client: Self.client) }
        await assertPickupError(.lockedOut(until: until)) { try await pickup.requestCode(session, client: Self.client) }
        XCTAssertEqual(audit.of(.lockout).count, 3)
        XCTAssertEqual(pickup.limiter.lockouts(now: clock.now()).count, 3)

        // The lockout spent the code; an hour later (in a new session: the old one idled out) a new code works.
        await eq(await pickup.state(of: session), .linked(deposit.metadata.id))
        clock.advance(by: 3600)
        await isNil(await pickup.state(of: session))
        let (later, fresh) = try await codeSession(deposit)
        await eq(try await pickup.verifyCode(later, code: fresh, client: Self.client), deposit.metadata.id)
    }

    func testFailuresOlderThanAnHourNoLongerCount() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        for _ in 0..<4 { _ = try? await pickup.verifyCode(session, code: wrong(code), client: Self.client) }
        clock.advance(by: 3601)
        let (later, fresh) = try await codeSession(deposit)
        await assertPickupError(.wrongCode(remaining: 4)) { try await pickup.verifyCode(later, code: wrong(fresh), client: Self.client) }
    }

    func testAnExpiredCodeIsRefusedAndSpent() async throws {
        pickup = makePickup { $0.codeLifetime = 600 }
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        clock.advance(by: 600)
        await assertPickupError(.codeExpired) { try await pickup.verifyCode(session, code: code, client: Self.client) }
        clock.advance(by: -1)
        await assertPickupError(.codeExpired) { try await pickup.verifyCode(session, code: code, client: Self.client) }
        XCTAssertEqual(audit.of(.loginFailed).first?.detail, "reason=code-expired")
        await eq(await pickup.state(of: session), .linked(deposit.metadata.id))
    }

    func testACodeWorksOnceAndOnlyInTheSessionThatAskedForIt() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        let other = await arrive(deposit, client: Self.otherClient)
        await assertPickupError(.codeExpired) { try await pickup.verifyCode(other, code: code, client: Self.otherClient) }
        await eq(try await pickup.verifyCode(session, code: code, client: Self.client), deposit.metadata.id)
        await assertPickupError(.codeExpired) { try await pickup.verifyCode(session, code: code, client: Self.client) }
        XCTAssertEqual(audit.of(.loginFailed).last?.detail, "reason=no-code-pending")
    }

    func testANewCodeReplacesTheOldOne() async throws {
        let deposit = try depositMessage()
        let (session, first) = try await codeSession(deposit)
        _ = try await pickup.requestCode(session, client: Self.client)
        let second = try XCTUnwrap(composer.lastCode)
        if first != second {
            await assertPickupError(.wrongCode(remaining: 4)) { try await pickup.verifyCode(session, code: first, client: Self.client) }
        }
        await eq(try await pickup.verifyCode(session, code: second, client: Self.client), deposit.metadata.id)
    }

    func testCodesPerMessageAreRateLimitedForAnHour() async throws {
        let deposit = try depositMessage()
        let session = await arrive(deposit)
        for _ in 0..<5 { _ = try await pickup.requestCode(session, client: Self.client) }
        await assertPickupError(.rateLimited) { try await pickup.requestCode(session, client: Self.client) }
        // Another browser, another address: still the same message.
        let other = await arrive(deposit, client: Self.otherClient)
        await assertPickupError(.rateLimited) { try await pickup.requestCode(other, client: Self.otherClient) }
        XCTAssertEqual(mailer.of(.code).count, 5)
        clock.advance(by: 3600)
        _ = try await codeSession(deposit)
        XCTAssertEqual(mailer.of(.code).count, 6)
    }

    func testOneClientAddressIsLockedByFailuresSpreadOverMessages() async throws {
        let first = try depositMessage()
        let second = try depositMessage(to: other)
        let third = try depositMessage(to: address("third@example.com"))
        let (a, codeA) = try await codeSession(first)
        let (b, codeB) = try await codeSession(second)
        for _ in 0..<3 { _ = try? await pickup.verifyCode(a, code: wrong(codeA), client: Self.client) }
        // Message B and its recipient have one failure each; the address has four, and the fewest left count.
        await assertPickupError(.wrongCode(remaining: 1)) { try await pickup.verifyCode(b, code: wrong(codeB), client: Self.client) }
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) {
            try await pickup.verifyCode(b, code: wrong(codeB), client: Self.client)
        }
        XCTAssertEqual(audit.of(.lockout).compactMap { $0.detail?.components(separatedBy: " ").first }, ["scope=client"])
        XCTAssertEqual(audit.of(.lockout).first?.client, Self.client)
        // That address may not even ask for a code for a third message; another address may.
        let c = await arrive(third)
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) { try await pickup.requestCode(c, client: Self.client) }
        let elsewhere = await arrive(third, client: Self.otherClient)
        _ = try await pickup.requestCode(elsewhere, client: Self.otherClient)
    }

    func testAnAdminUnlockLiftsOnlyTheLockoutsOfItsTarget() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        for _ in 0..<5 { _ = try? await pickup.verifyCode(session, code: wrong(code), client: Self.client) }
        XCTAssertEqual(admin.lockouts().map(\.key.scope), [.client, .message, .recipient])

        let lifted = try await admin.unlock(target: deposit.metadata.id.text.uppercased(), actor: "ops")
        XCTAssertEqual(lifted.map(\.key), [PortalLimitKey(.message, deposit.metadata.id.text)])
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) {
            try await pickup.requestCode(session, client: Self.client)
        }
        await eq(try await admin.unlock(target: "Patient@Example.org", actor: "ops").map(\.key.scope), [.recipient])
        await eq(try await admin.unlock(target: Self.client, actor: "ops").map(\.key.scope), [.client])
        await eq(try await admin.unlock(target: Self.client, actor: "ops"), [], "nothing left to lift")
        XCTAssertEqual(admin.lockouts(), [])
        let unlocks = audit.of(.unlock)
        XCTAssertEqual(unlocks.map(\.actor), ["ops", "ops", "ops"])
        XCTAssertEqual(unlocks.map(\.detail), ["scope=message", "scope=recipient", "scope=client"])
        XCTAssertEqual(unlocks[0].portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(unlocks[0].queueID, deposit.metadata.queueID, "a message's unlock names its queue id")
        XCTAssertNil(unlocks[1].queueID)
        XCTAssertEqual(unlocks[1].recipient, patient)
        XCTAssertEqual(unlocks[2].client, Self.client)

        _ = try await pickup.requestCode(session, client: Self.client)
        await eq(try await pickup.verifyCode(session, code: try XCTUnwrap(composer.lastCode), client: Self.client),
                       deposit.metadata.id)
    }

    func testAWrongTokenAnUnknownIDAndNoSessionAreOneAnswerAndSendNothing() async throws {
        let deposit = try depositMessage()
        let otherDeposit = try depositMessage()
        let wrongToken = await pickup.arriveByLink(id: deposit.metadata.id.text, token: otherDeposit.linkToken.linkText,
                                                   client: Self.client)
        let unknown = await pickup.arriveByLink(id: PortalMessageID(randomness: randomness).text,
                                                token: deposit.linkToken.linkText, client: Self.client)
        for session in [wrongToken, unknown, PortalSessionID(text: "aaaaaaaaaaaaaaaaaaaaaaaaaa")] {
            await assertPickupError(.invalidLink) { try await pickup.requestCode(session, client: Self.client) }
        }
        XCTAssertEqual(mailer.mails.all.count, 0)
        XCTAssertEqual(audit.events.all.count, 0)
    }

    func testARevokedLinkIsGoneToItsTokenAndInvalidToAnyOther() async throws {
        let deposit = try depositMessage()
        let otherDeposit = try depositMessage()
        _ = try fileStore.revoke(deposit.metadata.id)
        let right = await arrive(deposit)
        await assertPickupError(.gone) { try await pickup.requestCode(right, client: Self.client) }
        let wrongToken = await pickup.arriveByLink(id: deposit.metadata.id.text, token: otherDeposit.linkToken.linkText,
                                                   client: Self.client)
        await assertPickupError(.invalidLink) { try await pickup.requestCode(wrongToken, client: Self.client) }
        XCTAssertEqual(mailer.mails.all.count, 0)
    }

    func testAnExpiredLinkIsGoneAndItsDestructionIsAuditedOnce() async throws {
        let deposit = try depositMessage(lifetime: 3600)
        clock.advance(by: 3600)
        let session = await arrive(deposit)
        await assertPickupError(.gone) { try await pickup.requestCode(session, client: Self.client) }
        clock.advance(by: 1)
        await assertPickupError(.gone) { try await pickup.requestCode(session, client: Self.client) }
        let expired = audit.of(.expired)
        XCTAssertEqual(expired.count, 1)
        XCTAssertEqual(expired.first?.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(expired.first?.queueID, deposit.metadata.queueID)
    }

    func testNoCodeTokenOrSessionIDEverReachesTheAuditRecordsOrTheLog() async throws {
        let deposit = try depositMessage(readReceipt: true)
        let (session, code) = try await codeSession(deposit)
        for _ in 0..<5 { _ = try? await pickup.verifyCode(session, code: wrong(code), client: Self.client) }
        clock.advance(by: 3600)
        let (fresh, second) = try await codeSession(deposit)
        _ = try await pickup.verifyCode(fresh, code: second, client: Self.client)
        _ = try await pickup.openMessage(fresh, id: deposit.metadata.id.text, client: Self.client)
        try flipByte(path(deposit.metadata.id, "body"))
        let again = try await readingSession(deposit)
        _ = try? await pickup.openMessage(again, id: deposit.metadata.id.text, client: Self.client)
        let csrfToken = await pickup.csrfToken(fresh)
        let csrf = try XCTUnwrap(csrfToken)

        let written = audit.texts + logLines.all
        XCTAssertFalse(written.isEmpty)
        XCTAssertTrue(audit.kinds.contains(.damaged))
        for secret in [code, second, deposit.linkToken.linkText, session.text, fresh.text, again.text, csrf]
            + composer.codes.all.map(\.code) {
            for text in written { XCTAssertFalse(text.contains(secret), "a secret in: \(text)") }
        }
        // And none of the message's content or subject.
        for text in written {
            XCTAssertFalse(text.contains("HbA1c") || text.contains("Your results") || text.contains("00123456"), text)
        }
    }
}
