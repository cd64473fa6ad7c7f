// Tampering with the store fails closed as `.damaged`: a changed or truncated body or record, records
// and bodies swapped between messages, wrapped keys moved between messages inside a re-sealed record.

import Foundation
import MailCore
@testable import Portal
import SafeIO
import XCTest

final class PortalTamperTests: PortalTestCase {
    func testAChangedCiphertextIsDamaged() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        try flipByte(path(id, "body"), fromEnd: 20)  // inside the ciphertext, before the tag
        assertThrows(.damaged(part: .body, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
    }

    func testAChangedTagOrATruncatedBodyIsDamaged() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        try flipByte(path(id, "body"))
        assertThrows(.damaged(part: .body, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
        let bytes = try XCTUnwrap(try SafeIO.read(path(id, "body")))
        try SafeIO.writeFile(path(id, "body"), Array(bytes.prefix(bytes.count / 2)), mode: 0o600)
        assertThrows(.damaged(part: .body, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
        try SafeIO.remove(path(id, "body"))
        assertThrows(.damaged(part: .body, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
    }

    func testAChangedRecordIsDamagedEvenForTheRightToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        try flipByte(path(id, "keys"), fromEnd: 30)
        assertThrows(.damaged(part: .keys, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
        assertThrows(.damaged(part: .keys, id: id)) { try store.metadata(of: id) }
        XCTAssertEqual(try store.list(), [.damaged(id)])
    }

    func testRecordsAndBodiesSwappedBetweenMessagesAreDamaged() throws {
        let store = try makeStore()
        let first = try deposit(store, message: Array("first message".utf8))
        let second = try deposit(store, message: Array("second message".utf8))
        let (a, b) = (first.metadata.id, second.metadata.id)
        try copyFile(path(b, "body"), to: path(a, "body"))
        assertThrows(.damaged(part: .body, id: a)) { try store.open(a, linkToken: first.linkToken) }
        try copyFile(path(b, "keys"), to: path(a, "keys"))
        assertThrows(.damaged(part: .keys, id: a)) { try store.open(a, linkToken: first.linkToken) }
        assertThrows(.damaged(part: .keys, id: a)) { try store.open(a, linkToken: second.linkToken) }
        XCTAssertEqual(try store.open(b, linkToken: second.linkToken).content, Array("second message".utf8))
    }

    /// Someone holding the pepper re-seals message A's record with B's link wrap: the message id bound
    /// into the wrap (its associated data) still refuses it, as damaged, not as a wrong token.
    func testALinkWrapMovedIntoAnotherMessagesRecordIsDamaged() throws {
        let store = try makeStore()
        let first = try deposit(store)
        let second = try deposit(store)
        try rewriteRecord(of: first.metadata.id) { record in
            record.linkWrapped = try self.record(of: second.metadata.id).linkWrapped
        }
        assertThrows(.damaged(part: .keys, id: first.metadata.id)) { try store.open(first.metadata.id, linkToken: first.linkToken) }
    }

    func testARecipientWrapMovedIntoAnotherMessagesRecordIsDamaged() throws {
        let store = try makeStore()
        let first = try deposit(store)
        let key = try store.setPassword("a long passphrase", opening: first.metadata.id, linkToken: first.linkToken)
        let second = try deposit(store)
        try rewriteRecord(of: second.metadata.id) { record in
            record.recipientWraps = try self.record(of: first.metadata.id).recipientWraps
        }
        assertThrows(.damaged(part: .keys, id: second.metadata.id)) { try store.open(second.metadata.id, with: key) }
        XCTAssertEqual(try store.open(first.metadata.id, with: key).content, PortalTestCase.message)
    }

    func testAChangedRecipientRecordIsDamaged() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        _ = try store.setPassword("a long passphrase", opening: deposit.metadata.id, linkToken: deposit.linkToken)
        let recipients = "\(storeDirectory)/recipients"
        let name = try XCTUnwrap(try SafeIO.list(recipients).first)
        try flipByte("\(recipients)/\(name)", fromEnd: 40)
        assertThrows(.damaged(part: .recipient, id: nil)) { try store.unlock(self.patient, password: "a long passphrase") }
        assertThrows(.damaged(part: .recipient, id: nil)) { try self.deposit(store) }
    }

    func testAChangedTombstoneIsDamaged() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        _ = try store.revoke(id)
        try flipByte(path(id, "gone"))
        assertThrows(.damaged(part: .tombstone, id: id)) { try store.open(id, linkToken: deposit.linkToken) }
    }

    // MARK: - the record as someone holding the pepper sees it

    private var codec: PortalRecordCodec {
        PortalRecordCodec(recordKey: PortalKeyDerivation(pepper: pepper).recordKey, randomness: randomness)
    }

    private func record(of id: PortalMessageID) throws -> PortalMessageRecord {
        try XCTUnwrap(codec.open(try XCTUnwrap(try SafeIO.read(path(id, "keys"))), as: PortalMessageRecord.self,
                                 kind: .message, name: id.bytes))
    }

    private func rewriteRecord(of id: PortalMessageID, _ change: (inout PortalMessageRecord) throws -> Void) throws {
        var changed = try record(of: id)
        try change(&changed)
        try SafeIO.writeFile(path(id, "keys"), try codec.seal(changed, kind: .message, name: id.bytes), mode: 0o600)
    }
}
