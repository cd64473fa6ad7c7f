// verifyLink checks a link without opening content; a gone message's tombstone keeps the link check,
// so `.gone` answers only the right token (any other gets `.denied`); the read-receipt wish and the
// view count are kept in the sealed metadata, and records written before those fields still decode.

import Foundation
import MailCore
@testable import Portal
import SafeIO
import XCTest

final class PortalVerifyLinkTests: PortalTestCase {
    func testTheRightTokenVerifiesWithoutTheBodyBeingRead() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        // With the ciphertext gone, opening fails; verifying the link does not touch it.
        try SafeIO.remove(path(id, "body"))
        XCTAssertEqual(try store.verifyLink(id, linkToken: deposit.linkToken), deposit.metadata)
        assertThrows(.damaged(part: .body, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
    }

    func testAWrongTokenOrAnUnknownIDIsRefused() throws {
        let store = try makeStore()
        let first = try deposit(store)
        let second = try deposit(store)
        assertThrows(.denied) { try store.verifyLink(first.metadata.id, linkToken: second.linkToken) }
        assertThrows(.denied) { try store.verifyLink(first.metadata.id, linkToken: PortalLinkToken(randomness: randomness)) }
        assertThrows(.notFound) { try store.verifyLink(PortalMessageID(randomness: randomness), linkToken: first.linkToken) }
    }

    func testARevokedMessageIsGoneOnlyToItsRightToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let other = try self.deposit(store)
        let id = deposit.metadata.id
        clock.advance(by: 90)
        _ = try store.revoke(id)
        let gone = PortalGone(reason: .revoked, at: clock.now())
        assertThrows(.gone(gone)) { try store.verifyLink(id, linkToken: deposit.linkToken) }
        assertThrows(.gone(gone)) { try store.open(id, linkToken: deposit.linkToken) }
        for wrong in [other.linkToken, PortalLinkToken(randomness: randomness)] {
            assertThrows(.denied) { try store.verifyLink(id, linkToken: wrong) }
            assertThrows(.denied) { try store.open(id, linkToken: wrong) }
            assertThrows(.denied) { try store.setPassword("a long passphrase", opening: id, linkToken: wrong) }
            assertThrows(.denied) { try store.joinInbox(id, linkToken: wrong) }
        }
        // The admin's metadata still says gone, whoever asks (the admin is entitled to know).
        XCTAssertEqual(try store.metadata(of: id).state, .gone(gone))
    }

    func testAnExpiredMessageIsDestroyedForTheRightTokenOnlyAndThenGoneToItAlone() throws {
        let store = try makeStore()
        let deposit = try deposit(store, lifetime: 600)
        let id = deposit.metadata.id
        clock.advance(by: 600)
        assertThrows(.denied) { try store.verifyLink(id, linkToken: PortalLinkToken(randomness: randomness)) }
        XCTAssertEqual(try files(of: id), ["\(id.text).keys", "\(id.text).body"], "a wrong token changes nothing")
        let gone = PortalGone(reason: .expired, at: clock.now())
        assertThrows(.gone(gone)) { try store.verifyLink(id, linkToken: deposit.linkToken) }
        XCTAssertEqual(try files(of: id), ["\(id.text).gone"])
        assertThrows(.denied) { try store.verifyLink(id, linkToken: PortalLinkToken(randomness: randomness)) }
        assertThrows(.gone(gone)) { try store.open(id, linkToken: deposit.linkToken) }
    }

    func testASweptMessageKeepsTheCheckToo() throws {
        let store = try makeStore()
        let deposit = try deposit(store, lifetime: 60)
        clock.advance(by: 61)
        XCTAssertEqual(try store.expire().map(\.id), [deposit.metadata.id])
        assertThrows(.gone(PortalGone(reason: .expired, at: clock.now()))) {
            try store.verifyLink(deposit.metadata.id, linkToken: deposit.linkToken)
        }
        assertThrows(.denied) { try store.verifyLink(deposit.metadata.id, linkToken: PortalLinkToken(randomness: randomness)) }
    }

    func testAMessageRevokedWithADamagedRecordDeniesEveryToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        try flipByte(path(id, "keys"), fromEnd: 30)
        XCTAssertNil(try store.revoke(id))
        assertThrows(.denied) { try store.verifyLink(id, linkToken: deposit.linkToken) }
    }

    func testATombstoneWrittenBeforeTheCheckWasKeptDeniesEveryToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        _ = try store.revoke(id)
        // Re-seal the tombstone as an older release wrote it: no linkCheck key at all.
        let stone = try XCTUnwrap(try store.tombstone(id))
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try secondsEncoder().encode(stone)) as? [String: Any])
        XCTAssertNotNil(object.removeValue(forKey: "linkCheck"))
        let old = try JSONDecoder.seconds.decode(PortalTombstone.self, from: try JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.linkCheck)
        try SafeIO.writeFile(path(id, "gone"), try store.codec.seal(old, kind: .tombstone, name: id.bytes), mode: 0o600)
        assertThrows(.denied) { try store.verifyLink(id, linkToken: deposit.linkToken) }
        XCTAssertEqual(try store.metadata(of: id).state, .gone(stone.gone))
    }

    func testTheReadReceiptWishIsKeptInTheSealedMetadata() throws {
        let store = try makeStore()
        let wanted = try deposit(store, readReceipt: true)
        let plain = try deposit(store)
        XCTAssertTrue(wanted.metadata.readReceipt)
        XCTAssertFalse(plain.metadata.readReceipt)
        let reopened = try makeStore()
        XCTAssertTrue(try reopened.metadata(of: wanted.metadata.id).readReceipt)
        XCTAssertFalse(try reopened.verifyLink(plain.metadata.id, linkToken: plain.linkToken).readReceipt)
    }

    func testViewsAreCountedDurablyAndTheFirstIsDated() throws {
        let store = try makeStore()
        let deposit = try deposit(store, readReceipt: true)
        let id = deposit.metadata.id
        XCTAssertEqual(deposit.metadata.views, 0)
        XCTAssertNil(deposit.metadata.firstViewedAt)
        clock.advance(by: 30)
        let first = try store.noteView(id)
        let firstAt = clock.now()
        XCTAssertEqual(first.views, 1)
        XCTAssertEqual(first.firstViewedAt, firstAt)
        clock.advance(by: 30)
        let second = try makeStore().noteView(id)
        XCTAssertEqual(second.views, 2)
        XCTAssertEqual(second.firstViewedAt, firstAt)
        XCTAssertEqual(try store.metadata(of: id).views, 2)
        // The content and its link are untouched by the rewrite.
        XCTAssertEqual(try store.open(id, linkToken: deposit.linkToken).content, PortalTestCase.message)
        _ = try store.revoke(id)
        XCTAssertThrowsError(try store.noteView(id))
    }

    func testMetadataWrittenBeforeTheNewFieldsStillDecodes() throws {
        let store = try makeStore()
        let deposit = try deposit(store, readReceipt: true)
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(deposit.metadata)) as? [String: Any])
        for key in ["readReceipt", "views", "firstViewedAt"] { object.removeValue(forKey: key) }
        let old = try JSONDecoder().decode(PortalMessageMetadata.self, from: try JSONSerialization.data(withJSONObject: object))
        XCTAssertFalse(old.readReceipt)
        XCTAssertEqual(old.views, 0)
        XCTAssertNil(old.firstViewedAt)
        XCTAssertEqual(old.id, deposit.metadata.id)
        XCTAssertEqual(old.recipient, deposit.metadata.recipient)
    }

    private func secondsEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }
}

extension JSONDecoder {
    static var seconds: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
