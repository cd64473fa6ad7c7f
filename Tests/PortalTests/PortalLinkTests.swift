// The link path of the portal store: a deposit opens with its link token and nothing else opens it;
// the store files hold no plaintext, no address; ids and tokens are 128 and 256 random bits.

import Foundation
import MailCore
import Portal
import SafeIO
import XCTest

final class PortalLinkTests: PortalTestCase {
    func testADepositOpensWithItsLinkToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let opened = try store.open(deposit.metadata.id, linkToken: deposit.linkToken)
        XCTAssertEqual(opened.content, PortalTestCase.message)
        XCTAssertEqual(opened.metadata, deposit.metadata)
        XCTAssertEqual(opened.metadata.recipient, patient)
        XCTAssertEqual(opened.metadata.sender, clinic)
        XCTAssertEqual(opened.metadata.createdAt, clock.now())
        XCTAssertEqual(opened.metadata.expiresAt, clock.now().addingTimeInterval(30 * 86_400))
        XCTAssertEqual(opened.metadata.size, PortalTestCase.message.count)
        XCTAssertEqual(opened.metadata.state, .active)
    }

    func testTheTokenSurvivesItsTextFormAndAReopenedStore() throws {
        let deposit = try deposit(try makeStore())
        let text = deposit.linkToken.linkText
        XCTAssertEqual(text.count, 52)
        let id = try XCTUnwrap(PortalMessageID(deposit.metadata.id.text.uppercased()))
        let token = try XCTUnwrap(PortalLinkToken(text.uppercased()))
        XCTAssertEqual(try makeStore().open(id, linkToken: token).content, PortalTestCase.message)
    }

    func testAWrongTokenIsDenied() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        assertThrows(.denied) { try store.open(deposit.metadata.id, linkToken: PortalLinkToken(randomness: randomness)) }
        var bytes = deposit.linkToken.bytes
        bytes[31] ^= 0x80
        assertThrows(.denied) { try store.open(deposit.metadata.id, linkToken: PortalLinkToken(randomness: FixedRandomness(bytes))) }
    }

    func testAnotherMessagesTokenIsDenied() throws {
        let store = try makeStore()
        let first = try deposit(store)
        let second = try deposit(store)
        assertThrows(.denied) { try store.open(first.metadata.id, linkToken: second.linkToken) }
        XCTAssertEqual(try store.open(second.metadata.id, linkToken: second.linkToken).content, PortalTestCase.message)
    }

    func testAnUnknownIDIsNotFound() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        assertThrows(.notFound) { try store.open(PortalMessageID(randomness: randomness), linkToken: deposit.linkToken) }
        assertThrows(.notFound) { try store.metadata(of: PortalMessageID(randomness: randomness)) }
    }

    func testTheStoreFilesHoldNeitherTheMessageNorTheAddressesNorTheToken() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        _ = try store.setPassword("correct horse battery", opening: deposit.metadata.id, linkToken: deposit.linkToken)
        let needles = [Array("HbA1c".utf8), Array("patient".utf8), Array("clinic".utf8), Array("example".utf8),
                       deposit.linkToken.bytes, Array(deposit.linkToken.linkText.utf8), Array("correct horse".utf8)]
        var checked = 0
        for dir in [storeDirectory, messagesDirectory, "\(storeDirectory)/recipients"] {
            for name in try SafeIO.list(dir) where name != "messages" && name != "recipients" {
                let bytes = try XCTUnwrap(try SafeIO.read("\(dir)/\(name)"))
                checked += 1
                for needle in needles {
                    XCTAssertFalse(contains(bytes, needle), "\(dir)/\(name) holds \(String(decoding: needle, as: UTF8.self))")
                }
            }
        }
        XCTAssertEqual(checked, 5, "store-check, lock, body, record, recipient record")
    }

    func testIDsAndTokensAreFreshRandomBitsFromTheInjectedSource() throws {
        let recording = RecordingRandomness()
        let store = try FilePortalStore(directory: storeDirectory, pepper: pepper, clock: clock, randomness: recording,
                                        passwordHash: PortalTestCase.fastHash)
        let before = recording.requestedCounts.count
        let deposit = try deposit(store)
        // id (128 bits), token (256), message key (256), then the nonces of body, link wrap and record.
        XCTAssertEqual(Array(recording.requestedCounts[before...]), [16, 32, 32, 12, 12, 12])
        XCTAssertEqual(deposit.metadata.id.bytes.count, 16)
        XCTAssertEqual(deposit.metadata.id.text.count, 26)
        let ids = try (0..<20).map { _ in try self.deposit(store).metadata.id }
        XCTAssertEqual(Set(ids).count, 20)
    }

    func testIDTextIsCanonicalBase32Only() {
        let id = PortalMessageID(randomness: randomness)
        XCTAssertEqual(PortalMessageID(id.text), id)
        XCTAssertNil(PortalMessageID(String(id.text.dropLast())))
        XCTAssertNil(PortalMessageID(id.text + "a"))
        XCTAssertNil(PortalMessageID(String(id.text.dropLast()) + "1"))
        // 128 bits in 26 characters leave 2 unused bits, which must be zero: one spelling per id.
        XCTAssertNil(PortalMessageID(String(id.text.dropLast()) + "7"))
        XCTAssertNil(PortalLinkToken(id.text))
        XCTAssertEqual("\(PortalLinkToken(randomness: randomness))", "<portal link token>")
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// Hands out the given bytes (for building a token with one bit changed).
struct FixedRandomness: PortalRandomness {
    let fixed: [UInt8]
    init(_ fixed: [UInt8]) { self.fixed = fixed }
    func bytes(_ count: Int) -> [UInt8] { Array(fixed.prefix(count)) }
}
