// The store on disk: files 0600 and directories 0700 whatever the umask; a half-written file (a write's
// temp file, a body without its record) is never read and is swept when the store opens; a destruction
// interrupted after its tombstone is finished.

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

final class PortalDurabilityTests: PortalTestCase {
    func testFilesArePrivateAndDirectoriesOwnerOnlyUnderAnOpenUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let store = try makeStore()
        let kept = try deposit(store)
        _ = try store.setPassword("a long passphrase", opening: kept.metadata.id, linkToken: kept.linkToken)
        _ = try store.revoke(try deposit(store).metadata.id)
        var files = 0
        for dir in [storeDirectory, messagesDirectory, "\(storeDirectory)/recipients"] {
            XCTAssertEqual(try mode(dir), 0o700, dir)
            for name in try SafeIO.list(dir) where name != "messages" && name != "recipients" {
                XCTAssertEqual(try mode("\(dir)/\(name)"), 0o600, "\(dir)/\(name)")
                files += 1
            }
        }
        XCTAssertEqual(files, 6, "store-check, lock, body, record, tombstone, recipient record")
        XCTAssertEqual(try mode("\(root)/var"), 0o700)
    }

    func testAnExistingLooseDirectoryIsTightened() throws {
        try SafeIO.makeDirectory(storeDirectory, mode: 0o755, parents: true)
        XCTAssertEqual(chmod(storeDirectory, 0o755), 0)
        _ = try makeStore()
        XCTAssertEqual(try mode(storeDirectory), 0o700)
    }

    func testAHalfWrittenFileIsNeverReadAndIsSweptOnOpen() throws {
        let store = try makeStore()
        let kept = try deposit(store)
        let interrupted = try deposit(store)
        let (a, b) = (kept.metadata.id, interrupted.metadata.id)
        // A rewrite of A's record that crashed before its rename: the temp holds another (valid) record.
        let temp = "\(path(a, "keys")).tmp.4242.17"
        try copyFile(path(b, "keys"), to: temp)
        // A deposit that crashed after its body and before its record.
        try SafeIO.remove(path(b, "keys"))
        XCTAssertEqual(try store.open(a, linkToken: kept.linkToken).content, PortalTestCase.message)
        assertThrows(.notFound) { try store.open(b, linkToken: interrupted.linkToken) }
        XCTAssertEqual(try store.list(), [.message(kept.metadata)])

        _ = try makeStore()
        XCTAssertEqual(Set(try SafeIO.list(messagesDirectory)), ["\(a.text).keys", "\(a.text).body"])
    }

    func testADestructionInterruptedAfterItsTombstoneIsFinishedOnOpen() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        let id = deposit.metadata.id
        let record = try XCTUnwrap(try SafeIO.read(path(id, "keys")))
        let body = try XCTUnwrap(try SafeIO.read(path(id, "body")))
        _ = try store.revoke(id)
        // As if the crash came after the tombstone and before the unlinks.
        try SafeIO.writeFile(path(id, "keys"), record, mode: 0o600)
        try SafeIO.writeFile(path(id, "body"), body, mode: 0o600)
        assertThrows(.gone(PortalGone(reason: .revoked, at: clock.now()))) { try store.open(id, linkToken: deposit.linkToken) }
        _ = try makeStore()
        XCTAssertEqual(try files(of: id), ["\(id.text).gone"])
    }

    func testNamesThatAreNotStoreFilesAreIgnored() throws {
        let store = try makeStore()
        let deposit = try deposit(store)
        try SafeIO.writeFile("\(messagesDirectory)/README", Array("hello".utf8), mode: 0o600)
        try SafeIO.writeFile("\(messagesDirectory)/\(deposit.metadata.id.text.uppercased()).keys", [1], mode: 0o600)
        XCTAssertEqual(try store.list(), [.message(deposit.metadata)])
    }
}
