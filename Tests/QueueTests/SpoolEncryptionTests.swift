// SpoolEncryptionTests: nothing readable on disk, key rotation keeps old files readable, and a
// wrong key, a swapped, tampered or truncated file each give a SpoolError rather than a crash.

import Foundation
import MailCore
import XCTest
@testable import Queue

final class SpoolEncryptionTests: SpoolTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        commitTarget = .files  // these tests handle the per-message files themselves
    }

    let marker = "PHI-MARKER-7c1e0b"

    func testNoPlaintextOnDisk() throws {
        let spool = try makeSpool()
        let id = queueID(1)
        let env = try envelope(id, recipients: ["\(marker)@example.test"], sender: "\(marker)@sender.test")
        try spool.commit(envelope: env, message: Array("Subject: \(marker)\r\n\r\n\(marker)\r\n".utf8))
        try spool.updateStates(id, [RecipientState(status: .deferred, lastReply: "450 \(marker)")])
        var checked = 0
        for sub in ["msg", "env", "state"] {
            for name in files(in: sub) {
                let bytes = try XCTUnwrap(FileManager.default.contents(atPath: "\(spoolPath)/\(sub)/\(name)"))
                XCTAssertEqual(Array(bytes.prefix(5)), Array("SGQ1".utf8) + [1], "\(sub)/\(name) header")
                XCTAssertFalse(contains(Array(bytes), Array(marker.utf8)), "\(sub)/\(name) holds plaintext")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 3)
        XCTAssertEqual(try spool.envelope(id).recipients.first?.address.localPart, marker)
    }

    func testRotationKeepsOldFilesReadableAndSealsNewOnesWithTheNewKey() throws {
        let ring1 = try SpoolKeyring.loadOrCreate(path: keyPath)
        let old = queueID(1), new = queueID(2)
        try makeSpool(keyring: ring1).commit(envelope: try envelope(old), message: Array("old".utf8))

        let ring2 = try ring1.rotated(path: keyPath)
        XCTAssertNotEqual(ring2.currentKeyID, ring1.currentKeyID)
        let reloaded = try SpoolKeyring.loadOrCreate(path: keyPath)
        XCTAssertEqual(reloaded.currentKeyID, ring2.currentKeyID)
        XCTAssertEqual(reloaded.keyIDs, [ring1.currentKeyID, ring2.currentKeyID])

        let spool = try makeSpool(keyring: reloaded)
        try spool.commit(envelope: try envelope(new), message: Array("new".utf8))
        XCTAssertEqual(try spool.message(old), Array("old".utf8))
        XCTAssertEqual(try spool.message(new), Array("new".utf8))
        XCTAssertEqual(keyID(of: "msg", old), ring1.currentKeyID)
        XCTAssertEqual(keyID(of: "msg", new), ring2.currentKeyID)
        // State rewrites after a rotation use the new key, and stay readable.
        try spool.updateStates(old, [RecipientState(status: .delivered), RecipientState()])
        XCTAssertEqual(keyID(of: "state", old), ring2.currentKeyID)
        XCTAssertEqual(try spool.states(old).first?.status, .delivered)

        // The pre-rotation keyring does not know the new key.
        XCTAssertThrowsError(try makeSpool(keyring: ring1).message(new)) {
            guard case SpoolError.unknownKey(ring2.currentKeyID) = $0 else { return XCTFail("got \($0)") }
        }
    }

    func testWrongKeyWithTheSameIDIsCorruptNotACrash() throws {
        let id = queueID(1)
        try makeSpool().commit(envelope: try envelope(id), message: [1, 2, 3])
        try FileManager.default.removeItem(atPath: keyPath)
        let otherRing = try SpoolKeyring.loadOrCreate(path: keyPath) // also key ID 1, different bytes
        let spool = try makeSpool(keyring: otherRing)
        XCTAssertThrowsError(try spool.message(id)) { assertCorrupt($0) }
        XCTAssertThrowsError(try spool.envelope(id)) { assertCorrupt($0) }
    }

    func testSwappedFilesAreDetected() throws {
        let spool = try makeSpool()
        let a = queueID(1), b = queueID(2)
        try spool.commit(envelope: try envelope(a), message: Array("message A".utf8))
        try spool.commit(envelope: try envelope(b), message: Array("message B".utf8))
        // Another message's file under this ID.
        try swap("msg/\(a.value)", "msg/\(b.value)")
        XCTAssertThrowsError(try spool.message(a)) { assertCorrupt($0) }
        XCTAssertThrowsError(try spool.message(b)) { assertCorrupt($0) }
        // The same message's envelope file put where its state file belongs.
        try FileManager.default.copyItem(atPath: "\(spoolPath)/env/\(a.value)", toPath: "\(spoolPath)/state/\(a.value)")
        XCTAssertThrowsError(try spool.states(a)) { assertCorrupt($0) }
    }

    func testTruncatedTamperedAndForeignFilesAreCorrupt() throws {
        let spool = try makeSpool()
        let id = queueID(1)
        try spool.commit(envelope: try envelope(id), message: Array(repeating: 0x41, count: 1000))
        let path = "\(spoolPath)/msg/\(id.value)"
        let original = try XCTUnwrap(FileManager.default.contents(atPath: path))

        for length in [0, 3, 10, 36, original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try spool.message(id), "length \(length)") { assertCorrupt($0) }
        }
        var flipped = original
        flipped[flipped.count / 2] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try spool.message(id)) { assertCorrupt($0) }

        var headerChanged = original
        headerChanged[4] = 2 // format version
        try headerChanged.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try spool.message(id)) { error in
            assertCorrupt(error)
            XCTAssertTrue("\(error)".contains("version"), "\(error)")
        }

        try Data("just some text, not a spool file at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try spool.message(id)) { assertCorrupt($0) }

        try original.write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try spool.message(id), Array(repeating: 0x41, count: 1000))
    }

    private func assertCorrupt(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        guard case SpoolError.corrupt(let why) = error else { return XCTFail("expected corrupt, got \(error)", file: file, line: line) }
        XCTAssertFalse(why.isEmpty, file: file, line: line)
    }

    private func swap(_ a: String, _ b: String) throws {
        let fm = FileManager.default, pa = "\(spoolPath)/\(a)", pb = "\(spoolPath)/\(b)", t = "\(spoolPath)/swap"
        try fm.moveItem(atPath: pa, toPath: t)
        try fm.moveItem(atPath: pb, toPath: pa)
        try fm.moveItem(atPath: t, toPath: pb)
    }

    private func keyID(of sub: String, _ id: QueueID) -> UInt32? {
        FileManager.default.contents(atPath: "\(spoolPath)/\(sub)/\(id.value)").flatMap { SealedFile.keyID(of: Array($0)) }
    }
}
