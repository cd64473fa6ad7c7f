// Revocation and expiry destroy a message's wrapped keys and ciphertext (only its tombstone stays);
// afterwards every way in reports `.gone`, and the admin listing shows the state.

import Foundation
import MailCore
import Portal
import SafeIO
import XCTest

final class PortalLifecycleTests: PortalTestCase {
    func testRevocationRemovesTheKeysAndCiphertextAndThenOpensAreGone() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        let key = try store.setPassword("a long passphrase", opening: id, linkToken: deposit.linkToken)
        XCTAssertEqual(try files(of: id), ["\(id.text).keys", "\(id.text).body"])
        clock.advance(by: 60)
        XCTAssertEqual(try store.revoke(id), deposit.metadata)
        XCTAssertEqual(try files(of: id), ["\(id.text).gone"])
        let gone = PortalGone(reason: .revoked, at: clock.now())
        assertThrows(.gone(gone)) { try store.open(id, linkToken: deposit.linkToken) }
        assertThrows(.gone(gone)) { try store.open(id, with: key) }
        assertThrows(.gone(gone)) { try store.revoke(id) }
        XCTAssertEqual(try store.inbox(for: key), [])
        var expected = deposit.metadata
        expected.state = .gone(gone)
        XCTAssertEqual(try store.metadata(of: id), expected)
        XCTAssertEqual(try store.list(), [.message(expected)])
    }

    func testAnExpiredMessageIsDestroyedWhenOpenedAndIsGone() throws {
        let store = try makeStore()
        let deposit = try deposit(store, lifetime: 3600)
        let id = deposit.metadata.id
        clock.advance(by: 3599)
        XCTAssertEqual(try store.open(id, linkToken: deposit.linkToken).content, PortalTestCase.message)
        clock.advance(by: 1)
        assertThrows(.gone(PortalGone(reason: .expired, at: clock.now()))) { try store.open(id, linkToken: deposit.linkToken) }
        XCTAssertEqual(try files(of: id), ["\(id.text).gone"])
        XCTAssertEqual(try store.metadata(of: id).state, .gone(PortalGone(reason: .expired, at: clock.now())))
    }

    func testTheExpirySweepDestroysOnlyExpiredMessages() throws {
        let store = try makeStore()
        let short = try deposit(store, lifetime: 86_400)
        let long = try deposit(store, lifetime: 30 * 86_400)
        XCTAssertEqual(try store.expire(), [])
        clock.advance(by: 2 * 86_400)
        XCTAssertEqual(try store.expire(), [short.metadata])
        XCTAssertEqual(try files(of: short.metadata.id), ["\(short.metadata.id.text).gone"])
        XCTAssertEqual(try files(of: long.metadata.id), ["\(long.metadata.id.text).keys", "\(long.metadata.id.text).body"])
        XCTAssertEqual(try store.expire(), [])
        XCTAssertEqual(try store.open(long.metadata.id, linkToken: long.linkToken).content, PortalTestCase.message)
        assertThrows(.gone(PortalGone(reason: .expired, at: clock.now()))) {
            try store.open(short.metadata.id, linkToken: short.linkToken)
        }
    }

    func testTheInboxLeavesOutExpiredMessages() throws {
        let store = try makeStore()
        let short = try deposit(store, lifetime: 60)
        let key = try store.setPassword("a long passphrase", opening: short.metadata.id, linkToken: short.linkToken)
        let long = try deposit(store)
        clock.advance(by: 61)
        XCTAssertEqual(try store.inbox(for: key).map(\.id), [long.metadata.id])
    }

    func testADamagedRecordCanStillBeRevoked() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        try flipByte(path(id, "keys"))
        XCTAssertNil(try store.revoke(id))
        XCTAssertEqual(try files(of: id), ["\(id.text).gone"])
        let gone = PortalGone(reason: .revoked, at: clock.now())
        XCTAssertEqual(try store.list(), [.destroyedDamaged(id, gone)])
        assertThrows(.gone(gone)) { try store.metadata(of: id) }
    }

    func testRevokingAnUnknownMessageIsNotFound() throws {
        assertThrows(.notFound) { try self.makeStore().revoke(PortalMessageID(randomness: self.randomness)) }
    }

    func testTheListingShowsEveryMessageOldestFirst() throws {
        let store = try makeStore()
        let first = try deposit(store)
        clock.advance(by: 10)
        let second = try deposit(store, to: other)
        clock.advance(by: 10)
        _ = try store.revoke(first.metadata.id)
        var revoked = first.metadata
        revoked.state = .gone(PortalGone(reason: .revoked, at: clock.now()))
        XCTAssertEqual(try store.list(), [.message(revoked), .message(second.metadata)])
    }

    func testADepositNeedsAPositiveLifetime() throws {
        let store = try makeStore()
        XCTAssertThrowsError(try deposit(store, lifetime: 0))
        XCTAssertEqual(try SafeIO.list(messagesDirectory), [])
    }
}
