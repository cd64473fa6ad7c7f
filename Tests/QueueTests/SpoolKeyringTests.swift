// SpoolKeyringTests: the key file is created 0600 with one 256-bit key, is reused when it exists,
// and is refused when group or other can read it or when it is malformed.

import Foundation
import XCTest
@testable import Queue

final class SpoolKeyringTests: SpoolTestCase {
    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    func testCreatesA0600FileAndLoadsTheSameKeyAgain() throws {
        let ring = try SpoolKeyring.loadOrCreate(path: keyPath)
        XCTAssertEqual(try mode(keyPath), 0o600)
        XCTAssertEqual(ring.keyIDs, [ring.currentKeyID])
        let text = try String(contentsOfFile: keyPath, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { !$0.hasPrefix("#") })
        let key = try XCTUnwrap(Data(base64Encoded: String(line.split(separator: " ")[1])))
        XCTAssertEqual(key.count, 32)

        // Same key: a file sealed with the first ring opens with the reloaded one.
        let again = try SpoolKeyring.loadOrCreate(path: keyPath)
        let id = queueID(1)
        let sealed = try SealedFile.seal([9, 8, 7], kind: .message, id: id, keyring: ring)
        XCTAssertEqual(try SealedFile.open(sealed, kind: .message, id: id, keyring: again), [9, 8, 7])
        XCTAssertEqual(try String(contentsOfFile: keyPath, encoding: .utf8), text, "loading must not rewrite the file")
    }

    func testRefusesAGroupOrWorldReadableKeyFile() throws {
        _ = try SpoolKeyring.loadOrCreate(path: keyPath)
        for bad in [0o644, 0o640, 0o604, 0o660] {
            XCTAssertEqual(chmod(keyPath, mode_t(bad)), 0)
            XCTAssertThrowsError(try SpoolKeyring.loadOrCreate(path: keyPath), "mode \(String(bad, radix: 8))") {
                guard case SpoolError.insecureKeyFile = $0 else { return XCTFail("got \($0)") }
            }
        }
        XCTAssertEqual(chmod(keyPath, 0o400), 0)
        XCTAssertNoThrow(try SpoolKeyring.loadOrCreate(path: keyPath))
    }

    func testRotationRewritesTheFile0600() throws {
        let ring = try SpoolKeyring.loadOrCreate(path: keyPath)
        let two = try ring.rotated(path: keyPath)
        let three = try two.rotated(path: keyPath)
        XCTAssertEqual(three.keyIDs.count, 3)
        XCTAssertEqual(three.currentKeyID, three.keyIDs.max())
        XCTAssertEqual(try mode(keyPath), 0o600)
        XCTAssertEqual(try SpoolKeyring.loadOrCreate(path: keyPath).keyIDs, three.keyIDs)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tempDir).filter { $0.contains("tmp") }, [])
    }

    func testRotatingAStaleKeyringKeepsKeysAddedSince() throws {
        let ring = try SpoolKeyring.loadOrCreate(path: keyPath)
        let newer = try ring.rotated(path: keyPath)
        let fromStale = try ring.rotated(path: keyPath)
        XCTAssertTrue(fromStale.keyIDs.contains(newer.currentKeyID))
        XCTAssertEqual(fromStale.keyIDs.count, 3)
    }

    func testMalformedKeyFilesAreCorrupt() throws {
        for text in ["", "# only a comment\n", "1 not-base64!!\n", "1 \(Data(count: 16).base64EncodedString())\n",
                     "x \(Data(count: 32).base64EncodedString())\n",
                     "1 \(Data(count: 32).base64EncodedString())\n1 \(Data(count: 32).base64EncodedString())\n"] {
            try? FileManager.default.removeItem(atPath: keyPath)
            XCTAssertTrue(FileManager.default.createFile(atPath: keyPath, contents: Data(text.utf8),
                                                         attributes: [.posixPermissions: 0o600]))
            XCTAssertThrowsError(try SpoolKeyring.loadOrCreate(path: keyPath), text) {
                guard case SpoolError.corrupt = $0 else { return XCTFail("got \($0)") }
            }
        }
    }

    func testErrorsDescribeThemselves() {
        XCTAssertTrue(SpoolError.unknownKey(7).description.contains("7"))
        XCTAssertTrue(SpoolError.io("fsync x", errno: ENOSPC).description.contains("fsync x"))
    }
}
