// Passwords on the pickup: set after a pickup by link, sign in to the inbox, wrong passwords lock out,
// a reset by emailed code; unknown addresses answer exactly like known ones (no enumeration).

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PickupPasswordTests: PortalPickupTestCase {
    static let password = "a long passphrase"

    /// A recipient with a password, set from a pickup of `deposit`.
    func withPassword(_ deposit: PortalDeposit) async throws {
        let session = try await readingSession(deposit)
        try await pickup.setPassword(session, password: Self.password, confirm: Self.password, client: Self.client)
    }

    func testAPasswordIsSetOnlyFromAReadingSessionAndChecked() async throws {
        let deposit = try depositMessage()
        let linked = await arrive(deposit)
        await assertPickupError(.invalidLink) {
            try await pickup.setPassword(linked, password: Self.password, confirm: Self.password, client: Self.client)
        }
        let session = try await readingSession(deposit)
        await eq(await pickup.hasPassword(session), false)
        await assertPickupError(.passwordMismatch) {
            try await pickup.setPassword(session, password: Self.password, confirm: Self.password + "x", client: Self.client)
        }
        await assertPickupError(.passwordTooShort) {
            try await pickup.setPassword(session, password: "short", confirm: "short", client: Self.client)
        }
        try await pickup.setPassword(session, password: Self.password, confirm: Self.password, client: Self.client)
        await eq(await pickup.hasPassword(session), true)
        XCTAssertTrue(try fileStore.hasPassword(patient))
        let set = try XCTUnwrap(audit.of(.passwordSet).first)
        XCTAssertEqual(set.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(set.recipient, patient)
        let again = await thrown { try await self.pickup.setPassword(session, password: Self.password, confirm: Self.password,
                                                                     client: Self.client) }
        guard case .badForm = again else { return XCTFail("a second password must be refused, not \(String(describing: again))") }
        let another = try await readingSession(try depositMessage())
        await eq(await pickup.hasPassword(another), true, "the recipient has one now")
    }

    func testSigningInShowsTheInboxAndCountsAsALogin() async throws {
        let first = try depositMessage()
        try await withPassword(first)
        clock.advance(by: 1)
        let second = try depositMessage()
        try depositMessage(to: other)
        let session = try await pickup.login(address: " Patient@Example.org ", password: Self.password, client: Self.client)
        await eq(await pickup.state(of: session), .inbox(patient))
        await eq(try await pickup.inbox(session).map(\.id), [first.metadata.id, second.metadata.id])
        XCTAssertEqual(audit.of(.login).last?.detail, "by=password")
        XCTAssertEqual(audit.of(.login).last?.recipient, patient)
        await eq(try await pickup.openMessage(session, id: second.metadata.id.text, client: Self.client).content,
                 PortalTestCase.message)
        // A link session may not list the inbox.
        await assertPickupError(.invalidLink) { try await pickup.inbox(try await readingSession(try depositMessage(to: other))) }
    }

    func testWrongPasswordsAndUnknownAddressesCountAlikeAndLockOut() async throws {
        try await withPassword(try depositMessage())
        for _ in 0..<4 {
            await assertPickupError(.wrongPassword) {
                try await pickup.login(address: "patient@example.org", password: "not the passphrase", client: Self.client)
            }
        }
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) {
            try await pickup.login(address: "patient@example.org", password: "not the passphrase", client: Self.client)
        }
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) {
            try await pickup.login(address: "patient@example.org", password: Self.password, client: Self.otherClient)
        }
        let unknown = address("nobody@example.org")
        for _ in 0..<4 {
            await assertPickupError(.wrongPassword) {
                try await pickup.login(address: "nobody@example.org", password: "anything at all", client: Self.otherClient)
            }
        }
        XCTAssertEqual(audit.of(.loginFailed).filter { $0.recipient == unknown }.count, 4)
        XCTAssertEqual(audit.of(.loginFailed).last?.detail, "reason=wrong-password remaining=1")
        await assertPickupError(.badForm("Please enter your email address as name@example.org.")) {
            try await pickup.login(address: "not an address", password: "x", client: Self.client)
        }
    }

    func testAResetMailsACodeOnlyToAKnownRecipientButAnswersAlike() async throws {
        try await withPassword(try depositMessage())
        let codesBefore = mailer.of(.code).count
        let known = try await pickup.requestReset(address: "patient@example.org", client: Self.client)
        let unknown = try await pickup.requestReset(address: "nobody@example.org", client: Self.client)
        let noPassword = try await pickup.requestReset(address: other.description, client: Self.client)
        await eq(await pickup.state(of: known), .resetCodeSent(maskedAddress: "p***@example.org"))
        await eq(await pickup.state(of: unknown), .resetCodeSent(maskedAddress: "n***@example.org"))
        await eq(await pickup.state(of: noPassword), .resetCodeSent(maskedAddress: "s***@example.net"))
        XCTAssertEqual(mailer.of(.code).count, codesBefore + 1)
        XCTAssertEqual(composer.codes.all.last?.purpose, .reset)
        XCTAssertEqual(composer.codes.all.last?.to, patient)
        XCTAssertEqual(audit.of(.codeSent).last?.detail?.hasPrefix("purpose=reset"), true)
        // A code typed for the unknown address is wrong in the same words as a wrong one for the known.
        await assertPickupError(.wrongCode(remaining: 4)) {
            try await pickup.completeReset(unknown, code: "12345678", password: "new passphrase", confirm: "new passphrase",
                                           client: Self.otherClient)
        }
        let code = try XCTUnwrap(composer.lastCode)
        await assertPickupError(.wrongCode(remaining: 4)) {
            try await pickup.completeReset(known, code: wrong(code), password: "new passphrase", confirm: "new passphrase",
                                           client: "203.0.113.9")
        }
    }

    func testResetRatesAreKeptPerTypedAddressKnownOrNot() async throws {
        try await withPassword(try depositMessage())
        clock.advance(by: 3600)  // past the hour of the pickup code withPassword asked for
        for target in ["patient@example.org", "nobody@example.org"] {
            for _ in 0..<5 { _ = try await pickup.requestReset(address: target, client: "203.0.113.\(target.count)") }
            await assertPickupError(.rateLimited) { try await pickup.requestReset(address: target, client: "203.0.113.99") }
        }
    }

    func testACompletedResetSignsInWithTheNewPasswordAndEndsOldSignIns() async throws {
        let deposit = try depositMessage()
        try await withPassword(deposit)
        let old = try await pickup.login(address: "patient@example.org", password: Self.password, client: Self.client)
        let session = try await pickup.requestReset(address: "patient@example.org", client: Self.client)
        let code = try XCTUnwrap(composer.lastCode)
        await assertPickupError(.passwordMismatch) {
            try await pickup.completeReset(session, code: code, password: "new passphrase", confirm: "other", client: Self.client)
        }
        try await pickup.completeReset(session, code: code, password: "new passphrase", confirm: "new passphrase", client: Self.client)
        await eq(await pickup.state(of: session), .inbox(patient))
        await eq(try await pickup.inbox(session), [], "older messages open by their links only after a reset")
        await isNil(await pickup.state(of: old))
        XCTAssertEqual(audit.of(.passwordReset).map(\.recipient), [patient])
        await assertPickupError(.wrongPassword) {
            try await pickup.login(address: "patient@example.org", password: Self.password, client: Self.client)
        }
        _ = try await pickup.login(address: "patient@example.org", password: "new passphrase", client: Self.client)
        // The code was spent.
        await assertPickupError(.invalidLink) {
            try await pickup.completeReset(session, code: code, password: "third passphrase", confirm: "third passphrase",
                                           client: Self.client)
        }
    }

    func testAnExpiredResetCodeIsRefused() async throws {
        pickup = makePickup { $0.codeLifetime = 600 }
        try await withPassword(try depositMessage())
        let session = try await pickup.requestReset(address: "patient@example.org", client: Self.client)
        let code = try XCTUnwrap(composer.lastCode)
        clock.advance(by: 600)
        await assertPickupError(.codeExpired) {
            try await pickup.completeReset(session, code: code, password: "new passphrase", confirm: "new passphrase",
                                           client: Self.client)
        }
        clock.advance(by: -10)
        await assertPickupError(.wrongCode(remaining: 4)) {
            try await pickup.completeReset(session, code: code, password: "new passphrase", confirm: "new passphrase",
                                           client: Self.client)
        }
    }

    private func thrown(_ body: () async throws -> Void) async -> PortalPickupError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? PortalPickupError
        }
    }
}
