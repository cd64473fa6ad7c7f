// SafeIO's supporting primitives: read and private read (nil when missing), remove, directories with a
// mode (made, tightened, refused when not a directory), listing, the private-mode check, the lock.
import SafeIO
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class FilesAndDirectoriesTests: SafeIOTestCase {
    func testReadOfAMissingFileIsNil() throws {
        XCTAssertNil(try SafeIO.read("\(dir)/none"))
        XCTAssertNil(try SafeIO.status("\(dir)/none"))
        XCTAssertNil(try SafeIO.privateStatus("\(dir)/none"))
    }

    func testReadOfADirectoryIsAnErrorNotNil() {
        XCTAssertThrowsError(try SafeIO.read(dir)) {
            XCTAssertEqual(($0 as? SafeIOError)?.errno, EISDIR)
        }
    }

    func testReadReturnsAFileLargerThanOneChunk() throws {
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try SafeIO.writeFile("\(dir)/big", bytes, mode: 0o600)
        XCTAssertEqual(try SafeIO.read("\(dir)/big"), bytes)
    }

    func testRemoveOfAMissingFileIsFineAndRemoveRemoves() throws {
        try SafeIO.remove("\(dir)/none")
        try SafeIO.remove("\(dir)/none", syncDirectory: true)
        try SafeIO.writeFile("\(dir)/f", [1], mode: 0o600)
        try SafeIO.remove("\(dir)/f", syncDirectory: true)
        XCTAssertFalse(SafeIO.exists("\(dir)/f"))
    }

    func testRemoveOfADirectoryIsAnError() throws {
        try SafeIO.makeDirectory("\(dir)/sub")
        XCTAssertThrowsError(try SafeIO.remove("\(dir)/sub")) {
            XCTAssertEqual(($0 as? SafeIOError)?.operation, .unlink)
        }
    }

    func testMakeDirectoryUsesTheModeAndTightensOnlyWhenAsked() throws {
        let sub = "\(dir)/sub"
        try withUmask(0) { try SafeIO.makeDirectory(sub, mode: 0o700) }
        XCTAssertEqual(try mode(sub), 0o700)
        XCTAssertEqual(chmod(sub, 0o755), 0)
        try SafeIO.makeDirectory(sub, mode: 0o700)
        XCTAssertEqual(try mode(sub), 0o755, "an existing directory keeps its mode")
        try SafeIO.makeDirectory(sub, mode: 0o700, tighten: true)
        XCTAssertEqual(try mode(sub), 0o700)
    }

    func testMakeDirectoryWithParents() throws {
        let deep = "\(dir)/a/b/c"
        XCTAssertThrowsError(try SafeIO.makeDirectory(deep)) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.mkdir, path: deep, errno: ENOENT))
        }
        try withUmask(0) { try SafeIO.makeDirectory(deep, mode: 0o700, parents: true) }
        XCTAssertEqual(try mode("\(dir)/a"), 0o700)
        XCTAssertEqual(try mode(deep), 0o700)
    }

    func testMakeDirectoryRefusesAFile() throws {
        try SafeIO.writeFile("\(dir)/f", [1], mode: 0o600)
        XCTAssertThrowsError(try SafeIO.makeDirectory("\(dir)/f")) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.notADirectory, path: "\(dir)/f", errno: ENOTDIR))
        }
    }

    func testListNamesEntriesWithoutDots() throws {
        try SafeIO.writeFile("\(dir)/b", [1], mode: 0o600)
        try SafeIO.makeDirectory("\(dir)/a")
        XCTAssertEqual(try names(), ["a", "b"])
        XCTAssertThrowsError(try SafeIO.list("\(dir)/none")) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.list, path: "\(dir)/none", errno: ENOENT))
        }
    }

    func testThePrivateCheckRefusesGroupOrOtherAccess() throws {
        let path = "\(dir)/secrets"
        try SafeIO.writeFile(path, [1], mode: 0o600)
        XCTAssertEqual(try SafeIO.privateStatus(path)?.mode, 0o600)
        for bad: mode_t in [0o640, 0o604, 0o620, 0o601] {
            XCTAssertEqual(chmod(path, bad), 0)
            XCTAssertThrowsError(try SafeIO.privateStatus(path)) { error in
                let e = error as? SafeIOError
                XCTAssertEqual(e?.operation, .insecurePermissions)
                XCTAssertEqual(e?.mode, UInt32(bad))
                XCTAssertTrue("\(error)".contains(String(bad, radix: 8)), "\(error)")
            }
        }
        XCTAssertEqual(chmod(path, 0o400), 0)
        XCTAssertEqual(try SafeIO.privateStatus(path)?.mode, 0o400)
    }

    func testThePrivateReadChecksTheOpenFileAndRefusesASymlink() throws {
        let path = "\(dir)/key"
        try SafeIO.writeFile(path, [7, 8, 9], mode: 0o600)
        XCTAssertEqual(try SafeIO.readPrivate(path), [7, 8, 9])
        XCTAssertNil(try SafeIO.readPrivate("\(dir)/none"))
        let link = "\(dir)/link"
        XCTAssertEqual(symlink(path, link), 0)
        XCTAssertThrowsError(try SafeIO.readPrivate(link)) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.open, path: link, errno: ELOOP))
        }
        XCTAssertEqual(chmod(path, 0o640), 0)
        XCTAssertThrowsError(try SafeIO.readPrivate(path)) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.insecurePermissions, path: path, errno: EACCES, mode: 0o640))
        }
    }

    func testTheStatusChangesWhenTheFileIsReplaced() throws {
        let path = "\(dir)/f"
        try SafeIO.writeFile(path, [1], mode: 0o600)
        let first = try SafeIO.status(path)
        XCTAssertEqual(try SafeIO.status(path), first)
        try SafeIO.writeFile(path, [1], mode: 0o600)
        XCTAssertNotEqual(try SafeIO.status(path), first)
    }

    func testTheLockIsHeldDuringTheBodyAndReleasedAfter() throws {
        let lockPath = "\(dir)/f.lock"
        let held = try SafeIO.withExclusiveLock(lockPath) { () -> Bool in
            let other = open(lockPath, O_RDWR)
            defer { close(other) }
            return flock(other, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK
        }
        XCTAssertTrue(held, "a second descriptor cannot take the lock while the body runs")
        let other = open(lockPath, O_RDWR)
        defer { close(other) }
        XCTAssertEqual(flock(other, LOCK_EX | LOCK_NB), 0, "released afterwards")
        XCTAssertEqual(try mode(lockPath), 0o600)
    }
}

final class AppendTests: SafeIOTestCase {
    func testAppendCreatesWithTheModeAndAddsInOrder() throws {
        let path = "\(dir)/log"
        try withUmask(0o077) { try SafeIO.append(path, [1, 2], mode: 0o640) }
        try SafeIO.append(path, [3], mode: 0o640)
        XCTAssertEqual(try SafeIO.read(path), [1, 2, 3])
        XCTAssertEqual(try mode(path), 0o640)
    }

    func testAFailedAppendNamesThePath() {
        let path = "\(dir)/missing/log"
        XCTAssertThrowsError(try SafeIO.append(path, [1], mode: 0o600)) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.open, path: path, errno: ENOENT))
        }
    }
}
