// The password path: a password set after the first pickup makes the recipient's key pair; later
// messages open with the password alone; a reset makes a new pair and older messages need their links.

import Foundation
import MailCore
import Portal
import SafeIO
import XCTest

final class PortalPasswordTests: PortalTestCase {
    let password = "correct horse battery"

    func testLaterMessagesOpenWithThePasswordAlone() throws {
        let store = try makeStore()
        let first = try deposit(store, message: Array("first".utf8))
        XCTAssertFalse(try store.hasPassword(patient))
        let key = try store.setPassword(password, opening: first.metadata.id, linkToken: first.linkToken)
        XCTAssertTrue(try store.hasPassword(patient))
        XCTAssertEqual(try store.open(first.metadata.id, with: key).content, Array("first".utf8))
        clock.advance(by: 60)
        let second = try deposit(store, message: Array("second".utf8))
        // A new store (a later request, another process): the password alone opens both.
        let later = try makeStore()
        XCTAssertEqual(try later.open(second.metadata.id, recipient: patient, password: password).content, Array("second".utf8))
        XCTAssertEqual(try later.open(first.metadata.id, recipient: patient, password: password).content, Array("first".utf8))
        let unlocked = try later.unlock(patient, password: password)
        XCTAssertEqual(try later.inbox(for: unlocked).map(\.id), [first.metadata.id, second.metadata.id])
        // The link still opens them too.
        XCTAssertEqual(try later.open(second.metadata.id, linkToken: second.linkToken).content, Array("second".utf8))
    }

    func testTheAddressIsComparedAsOneMailbox() throws {
        let store = try makeStore()
        let first = try deposit(store)
        _ = try store.setPassword(password, opening: first.metadata.id, linkToken: first.linkToken)
        let second = try deposit(store, to: address("Patient@EXAMPLE.org"))
        XCTAssertEqual(try store.open(second.metadata.id, recipient: patient, password: password).content, PortalTestCase.message)
    }

    func testAWrongPasswordIsDeniedAndAnotherRecipientSeesNothing() throws {
        let store = try makeStore()
        let mine = try deposit(store)
        let key = try store.setPassword(password, opening: mine.metadata.id, linkToken: mine.linkToken)
        assertThrows(.denied) { try store.unlock(self.patient, password: "correct horse battery!") }
        assertThrows(.noPassword) { try store.unlock(self.other, password: self.password) }
        let theirs = try deposit(store, to: other)
        let theirKey = try store.setPassword("their own password", opening: theirs.metadata.id, linkToken: theirs.linkToken)
        assertThrows(.denied) { try store.open(theirs.metadata.id, with: key) }
        assertThrows(.denied) { try store.open(mine.metadata.id, with: theirKey) }
        XCTAssertEqual(try store.inbox(for: theirKey).map(\.id), [theirs.metadata.id])
    }

    func testAMessageBeforeThePasswordJoinsTheInboxOnlyThroughItsLink() throws {
        let store = try makeStore()
        let older = try deposit(store)
        let first = try deposit(store)
        let key = try store.setPassword(password, opening: first.metadata.id, linkToken: first.linkToken)
        XCTAssertEqual(try store.inbox(for: key).map(\.id), [first.metadata.id])
        assertThrows(.denied) { try store.open(older.metadata.id, with: key) }
        try store.joinInbox(older.metadata.id, linkToken: older.linkToken)
        XCTAssertEqual(try store.open(older.metadata.id, with: key).content, PortalTestCase.message)
        assertThrows(.denied) { try store.joinInbox(older.metadata.id, linkToken: first.linkToken) }
    }

    func testThePasswordIsSetOnceAndNeedsTheLinkAndALength() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        assertThrows(.passwordTooShort(minimum: 8)) {
            try store.setPassword("short", opening: deposit.metadata.id, linkToken: deposit.linkToken)
        }
        assertThrows(.denied) {
            try store.setPassword(self.password, opening: deposit.metadata.id, linkToken: PortalLinkToken(randomness: self.randomness))
        }
        XCTAssertFalse(try store.hasPassword(patient))
        _ = try store.setPassword(password, opening: deposit.metadata.id, linkToken: deposit.linkToken)
        assertThrows(.passwordAlreadySet) {
            try store.setPassword("another password", opening: deposit.metadata.id, linkToken: deposit.linkToken)
        }
        assertThrows(.noPassword) { try store.resetPassword(self.other, newPassword: self.password) }
    }

    func testAResetMakesANewPairAndOlderMessagesOpenOnlyByTheirLinks() throws {
        let store = try makeStore()
        let first = try deposit(store)
        let oldKey = try store.setPassword(password, opening: first.metadata.id, linkToken: first.linkToken)
        let second = try deposit(store)
        let recipients = "\(storeDirectory)/recipients"
        let before = try XCTUnwrap(try SafeIO.read("\(recipients)/\(try XCTUnwrap(try SafeIO.list(recipients).first))"))

        let newKey = try store.resetPassword(patient, newPassword: "a brand new password")
        XCTAssertEqual(try SafeIO.list(recipients).count, 1)
        XCTAssertNotEqual(try SafeIO.read("\(recipients)/\(try SafeIO.list(recipients)[0])"), before)
        assertThrows(.denied) { try store.unlock(self.patient, password: self.password) }
        // The session that held the old key is over.
        assertThrows(.denied) { try store.open(second.metadata.id, with: oldKey) }
        assertThrows(.denied) { try store.inbox(for: oldKey) }
        // Older messages: not with the new password, still by their links.
        XCTAssertEqual(try store.inbox(for: newKey), [])
        assertThrows(.denied) { try store.open(first.metadata.id, with: newKey) }
        XCTAssertEqual(try store.open(first.metadata.id, linkToken: first.linkToken).content, PortalTestCase.message)
        // New messages open with the new password alone.
        let third = try deposit(store, message: Array("third".utf8))
        XCTAssertEqual(try store.open(third.metadata.id, recipient: patient, password: "a brand new password").content,
                       Array("third".utf8))
        XCTAssertEqual(try store.inbox(for: newKey).map(\.id), [third.metadata.id])
    }

    func testARecordKeepsTheCostItWasMadeWith() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        _ = try store.setPassword(password, opening: deposit.metadata.id, linkToken: deposit.linkToken)
        let costlier = try makeStore(hash: PortalPasswordHash(log2Rounds: 11, blockSize: 8, parallelism: 2))
        XCTAssertEqual(try costlier.open(deposit.metadata.id, recipient: patient, password: password).content,
                       PortalTestCase.message)
    }

    func testThePasswordIsHashedInItsCanonicalForm() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let composed = "caf\u{E9} au lait!"   // é as one scalar
        let decomposed = "cafe\u{301} au lait!" // e and a combining acute accent
        _ = try store.setPassword(composed, opening: deposit.metadata.id, linkToken: deposit.linkToken)
        XCTAssertNoThrow(try store.unlock(patient, password: decomposed))
    }

    func testTheRecommendedCostIsWithinLimitsAndOutOfRangeCostsAreRefused() {
        XCTAssertTrue(PortalPasswordHash.recommended.isWithinLimits)
        XCTAssertEqual(PortalPasswordHash.recommended.memoryBytes, 128 << 20)
        XCTAssertThrowsError(try makeStore(hash: PortalPasswordHash(log2Rounds: 9, blockSize: 8, parallelism: 1)))
        XCTAssertThrowsError(try makeStore(hash: PortalPasswordHash(log2Rounds: 22, blockSize: 8, parallelism: 1)))
    }
}
