// The portal store's contract, run on every implementation (FilePortalStore in a directory,
// PostgresPortalStore in a database): deposit, links, views, passwords, revoke, expire, list, pepper.

import Foundation
import MailCore
import Portal
import TestSupport
import XCTest

extension PortalTestCase {
    /// `open(pepper)` opens the store under test (again: a second call sees what the first stored).
    func runStoreContract(_ open: (PortalPepper) throws -> any PortalStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try open(pepper)
        let wrong = PortalLinkToken(randomness: randomness)
        let first = try store.deposit(request(lifetime: 30 * 86_400))
        let id = first.metadata.id
        XCTAssertEqual(try store.verifyLink(id, linkToken: first.linkToken).id, id, file: file, line: line)
        XCTAssertThrowsError(try store.verifyLink(id, linkToken: wrong)) { XCTAssertEqual($0 as? PortalStoreError, .denied) }
        XCTAssertEqual(try store.open(id, linkToken: first.linkToken).content, PortalTestCase.message, file: file, line: line)
        XCTAssertEqual(try store.noteView(id).views, 1, file: file, line: line)
        XCTAssertEqual(try store.noteView(id).views, 2, file: file, line: line)

        // A password: the key pair wraps this message and every later deposit, as seen by a second opening.
        XCTAssertFalse(try store.hasPassword(patient))
        _ = try store.setPassword("correct horse battery", opening: id, linkToken: first.linkToken)
        let again = try open(pepper)
        XCTAssertTrue(try again.hasPassword(patient), file: file, line: line)
        clock.advance(by: 1)   // listed and inboxed oldest first
        let second = try again.deposit(request(lifetime: 60))
        let key = try again.unlock(patient, password: "correct horse battery")
        XCTAssertEqual(try again.inbox(for: key).map(\.id), [id, second.metadata.id], file: file, line: line)
        XCTAssertEqual(try again.open(second.metadata.id, with: key).content, PortalTestCase.message, file: file, line: line)
        XCTAssertThrowsError(try again.unlock(patient, password: "wrong horse battery")) {
            XCTAssertEqual($0 as? PortalStoreError, .denied)
        }

        // Revoke: the right token learns `.gone`, any other `.denied`; the listing keeps the tombstone.
        XCTAssertEqual(try store.revoke(id)?.id, id, file: file, line: line)
        XCTAssertThrowsError(try again.open(id, linkToken: first.linkToken)) {
            guard case .gone(let gone) = $0 as? PortalStoreError, gone.reason == .revoked else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try again.open(id, linkToken: wrong)) { XCTAssertEqual($0 as? PortalStoreError, .denied) }
        XCTAssertThrowsError(try again.revoke(id)) {
            guard case .gone = $0 as? PortalStoreError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try again.metadata(of: PortalMessageID(randomness: randomness))) {
            XCTAssertEqual($0 as? PortalStoreError, .notFound)
        }

        // Expire: the second message's minute passes.
        clock.advance(by: 61)
        XCTAssertEqual(try store.expire().map(\.id), [second.metadata.id], file: file, line: line)
        XCTAssertEqual(try again.expire().map(\.id), [], file: file, line: line)
        let states = try again.list().map { entry -> String in
            guard case .message(let metadata) = entry else { return "damaged" }
            if case .gone(let gone) = metadata.state { return "\(metadata.id.text) \(gone.reason.rawValue)" }
            return "\(metadata.id.text) active"
        }
        XCTAssertEqual(states, ["\(id.text) revoked", "\(second.metadata.id.text) expired"], file: file, line: line)

        // Another pepper is refused at once.
        let otherPepper = try PortalPepper.create(path: "\(root)/keys/other.pepper", randomness: randomness)
        XCTAssertThrowsError(try open(otherPepper)) {
            guard case .pepperMismatch = $0 as? PortalStoreError else { return XCTFail("\($0)") }
        }
    }

    private func request(lifetime: TimeInterval) -> PortalDepositRequest {
        PortalDepositRequest(queueID: QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 42), sender: clinic,
                             recipient: patient, message: PortalTestCase.message, lifetime: lifetime)
    }
}
