// SafeIO.writeFile and createSynced: the file appears whole with the caller's mode whatever the
// umask, replaces an existing file, and a failure leaves no temp file and names path and errno.
import SafeIO
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class WriteFileTests: SafeIOTestCase {
    func testTheFileHasTheCallersModeWhateverTheUmask() throws {
        for (mask, wanted) in [(mode_t(0o077), mode_t(0o644)), (0o000, 0o600), (0o027, 0o644), (0o000, 0o640)] {
            let path = "\(dir)/f-\(mask)-\(wanted)"
            try withUmask(mask) { try SafeIO.writeFile(path, Array("hello".utf8), mode: wanted) }
            XCTAssertEqual(try mode(path), UInt32(wanted), "umask \(String(mask, radix: 8))")
            XCTAssertEqual(try SafeIO.read(path), Array("hello".utf8))
        }
    }

    func testAnExistingFileIsReplacedWholeAndNoTempFileRemains() throws {
        let path = "\(dir)/data.json"
        try SafeIO.writeFile(path, Array(repeating: 1, count: 200_000), mode: 0o600)
        try SafeIO.writeFile(path, [2, 3], mode: 0o600)
        XCTAssertEqual(try SafeIO.read(path), [2, 3])
        XCTAssertEqual(try names(), ["data.json"])
    }

    func testReplacingKeepsTheOldInodeReadableUntilTheRename() throws {
        let path = "\(dir)/data"
        try SafeIO.writeFile(path, [1], mode: 0o600)
        let before = try XCTUnwrap(try SafeIO.status(path))
        let reader = open(path, O_RDONLY)
        defer { close(reader) }
        try SafeIO.writeFile(path, [2], mode: 0o600)
        XCTAssertNotEqual(try XCTUnwrap(try SafeIO.status(path)).inode, before.inode, "a new file was renamed in")
        var byte: UInt8 = 0
        XCTAssertEqual(read(reader, &byte, 1), 1)
        XCTAssertEqual(byte, 1, "an open reader still sees the old contents whole")
    }

    func testAMissingDirectoryFailsWithPathAndErrno() throws {
        let path = "\(dir)/missing/file"
        XCTAssertThrowsError(try SafeIO.writeFile(path, [1], mode: 0o600)) { error in
            guard let e = error as? SafeIOError else { return XCTFail("got \(error)") }
            XCTAssertEqual(e.operation, .create)
            XCTAssertEqual(e.errno, ENOENT)
            XCTAssertTrue(e.path.hasPrefix(path), e.path)
            XCTAssertTrue(e.description.contains("create \(path)"), e.description)
            XCTAssertTrue(e.description.contains("errno \(ENOENT)"), e.description)
        }
        XCTAssertEqual(try names(), [])
    }

    func testAFailedRenameLeavesNoTempFile() throws {
        // The target is a non-empty directory: the temp file is written, the rename fails.
        let target = "\(dir)/target"
        try SafeIO.makeDirectory(target)
        try SafeIO.writeFile("\(target)/inside", [1], mode: 0o600)
        XCTAssertThrowsError(try SafeIO.writeFile(target, [1, 2, 3], mode: 0o600)) { error in
            guard let e = error as? SafeIOError else { return XCTFail("got \(error)") }
            XCTAssertEqual(e.operation, .rename)
            XCTAssertTrue(e.path.hasSuffix("-> \(target)"), e.path)
            XCTAssertNotEqual(e.errno, 0)
        }
        XCTAssertEqual(try names(), ["target"], "the temp file was unlinked")
    }

    func testADirectoryThatIsAFileFailsAndLeavesNothing() throws {
        // Runs as root too (root ignores a directory's mode bits, not its type).
        try SafeIO.writeFile("\(dir)/plain", [1], mode: 0o600)
        XCTAssertThrowsError(try SafeIO.writeFile("\(dir)/plain/f", [1], mode: 0o600)) {
            XCTAssertEqual(($0 as? SafeIOError)?.errno, ENOTDIR)
        }
        XCTAssertEqual(try names(), ["plain"])
    }

    func testCreateSyncedNeverReplacesAFile() throws {
        let path = "\(dir)/once"
        try SafeIO.createSynced(path, [1], mode: 0o600)
        XCTAssertThrowsError(try SafeIO.createSynced(path, [2], mode: 0o600)) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.create, path: path, errno: EEXIST))
        }
        XCTAssertEqual(try SafeIO.read(path), [1])
    }

    func testCreateSyncedRefusesToFollowASymlink() throws {
        let elsewhere = "\(dir)/elsewhere", link = "\(dir)/link"
        XCTAssertEqual(symlink(elsewhere, link), 0)
        XCTAssertThrowsError(try SafeIO.createSynced(link, [1], mode: 0o600))
        XCTAssertFalse(SafeIO.exists(elsewhere))
    }

    /// fsync cannot be made to fail on a temp file here, so this checks the shared step that every
    /// write goes through (`writeFile` -> `createSynced` -> `sync(fd:)`) on a descriptor whose fsync
    /// really fails: /dev/null accepts writes and fails fsync with EINVAL.
    func testAFailedFsyncIsAnError() throws {
        let fd = open("/dev/null", O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        try SafeIO.writeAll(fd: fd, [1, 2, 3], path: "/dev/null")
        XCTAssertThrowsError(try SafeIO.sync(fd: fd, path: "/dev/null")) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.fsync, path: "/dev/null", errno: EINVAL))
        }
        XCTAssertThrowsError(try SafeIO.syncDirectory(fd: fd, path: "/dev/null")) {
            XCTAssertEqual(($0 as? SafeIOError)?.operation, .fsync)
        }
    }

    func testAFailedWriteIsAnError() throws {
        let fd = open("/dev/full", O_WRONLY)
        try XCTSkipIf(fd < 0, "no /dev/full")
        defer { close(fd) }
        XCTAssertThrowsError(try SafeIO.writeAll(fd: fd, [1], path: "/dev/full")) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.write, path: "/dev/full", errno: ENOSPC))
        }
    }

    func testAFailedCloseIsAnError() {
        XCTAssertThrowsError(try SafeIO.close(fd: 1_000_000, path: "x")) {
            XCTAssertEqual($0 as? SafeIOError, SafeIOError(.close, path: "x", errno: EBADF))
        }
    }

    func testDirectoryOfPath() {
        XCTAssertEqual(SafeIO.directory(of: "/a/b/c"), "/a/b")
        XCTAssertEqual(SafeIO.directory(of: "/c"), "/")
        XCTAssertEqual(SafeIO.directory(of: "c"), ".")
        XCTAssertEqual(SafeIO.directory(of: "a/c"), "a")
    }
}
