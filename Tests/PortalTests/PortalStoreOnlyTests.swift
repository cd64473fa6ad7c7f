// A copy of the store without its pepper opens nothing: no pepper file, another pepper, or the stolen
// files planted in a store of the thief's own; and the pepper file itself must be private.

import Foundation
import MailCore
import Portal
import SafeIO
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class PortalStoreOnlyTests: PortalTestCase {
    func testWithoutThePepperFileThereIsNoStore() throws {
        try SafeIO.remove(pepperPath)
        XCTAssertThrowsError(try PortalPepper.load(path: pepperPath)) { error in
            guard case .pepperFile(let path, let problem) = error as? PortalStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, pepperPath)
            XCTAssertEqual(problem, "no such file")
        }
    }

    func testTheStoreRefusesAnotherPepper() throws {
        let deposit = try deposit(try makeStore())
        let otherPepper = try PortalPepper.create(path: "\(root)/keys/other.pepper", randomness: randomness)
        assertThrows(.pepperMismatch(directory: storeDirectory)) { try self.makeStore(pepper: otherPepper) }
        XCTAssertEqual(try makeStore(pepper: try PortalPepper.load(path: pepperPath))
            .open(deposit.metadata.id, linkToken: deposit.linkToken).content, PortalTestCase.message)
    }

    /// The thief has the store's files and the link (from the mailbox), but not the node's key file:
    /// planted in a store of their own pepper, nothing opens, not even the metadata.
    func testStolenFilesInAStoreWithAnotherPepperOpenNothingEvenWithTheLink() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        _ = try store.setPassword("a long passphrase", opening: id, linkToken: deposit.linkToken)
        let thiefPepper = try PortalPepper.create(path: "\(root)/keys/thief.pepper", randomness: randomness)
        let thiefDirectory = "\(root)/thief"
        let thief = try makeStore(directory: thiefDirectory, pepper: thiefPepper)
        for dir in ["messages", "recipients"] {
            for name in try SafeIO.list("\(storeDirectory)/\(dir)") {
                try copyFile("\(storeDirectory)/\(dir)/\(name)", to: "\(thiefDirectory)/\(dir)/\(name)")
            }
        }
        assertThrows(.damaged(part: .keys, id: id)) { try thief.open(id, linkToken: deposit.linkToken) }
        assertThrows(.damaged(part: .keys, id: id)) { try thief.metadata(of: id) }
        XCTAssertEqual(try thief.list(), [.damaged(id)])
        // The recipient file's name is a MAC under the pepper: the thief's store does not even find it.
        assertThrows(.noPassword) { try thief.unlock(self.patient, password: "a long passphrase") }
        let recipientFile = try XCTUnwrap(try SafeIO.list("\(storeDirectory)/recipients").first)
        XCTAssertFalse(recipientFile.contains("patient"))
    }

    func testAStoreThatLostItsCheckRecordRefusesToAdoptAPepper() throws {
        try deposit(try makeStore())
        try SafeIO.remove("\(storeDirectory)/store-check")
        assertThrows(.damaged(part: .storeCheck, id: nil)) { try self.makeStore() }
    }

    func testThePepperFileMustBePrivateAndWellFormed() throws {
        XCTAssertEqual(try mode(pepperPath), 0o600)
        XCTAssertEqual(chmod(pepperPath, 0o640), 0)
        XCTAssertThrowsError(try PortalPepper.load(path: pepperPath)) { error in
            guard case .pepperFile = error as? PortalStoreError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(chmod(pepperPath, 0o600), 0)
        XCTAssertNoThrow(try PortalPepper.load(path: pepperPath))
        try SafeIO.writeFile(pepperPath, Array("# header\nc2hvcnQ=\n".utf8), mode: 0o600)
        XCTAssertThrowsError(try PortalPepper.load(path: pepperPath)) { error in
            XCTAssertEqual(error as? PortalStoreError,
                           .pepperFile(path: pepperPath, problem: "expected one base64 line of 32 bytes"))
        }
    }

    func testCreatingAPepperNeverReplacesOne() throws {
        XCTAssertThrowsError(try PortalPepper.create(path: pepperPath, randomness: randomness))
        XCTAssertEqual("\(pepper!)", "<portal pepper>")
    }
}
