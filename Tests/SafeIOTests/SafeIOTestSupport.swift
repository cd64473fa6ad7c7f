// Test support for SafeIO: a fresh temp directory per test, the mode of a file, and running a
// body under a given umask.
import Foundation
import SafeIO
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

class SafeIOTestCase: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "safeio-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = chmod(dir, 0o700)
        try? FileManager.default.removeItem(atPath: dir)
    }

    func mode(_ path: String) throws -> UInt32 {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0, "stat \(path)")
        return UInt32(st.st_mode) & 0o7777
    }

    func withUmask<T>(_ mask: mode_t, _ body: () throws -> T) rethrows -> T {
        let old = umask(mask)
        defer { umask(old) }
        return try body()
    }

    /// Everything in `dir`, to check that no temp file was left behind.
    func names() throws -> [String] { try SafeIO.list(dir).sorted() }
}
