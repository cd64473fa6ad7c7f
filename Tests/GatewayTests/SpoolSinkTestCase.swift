// SpoolSinkTestCase: what the tests of SpoolSink and its users share: a real spool in a temp
// directory and a started thread pool, both gone after each test.
import Foundation
import NIOPosix
import Queue
import XCTest

class SpoolSinkTestCase: XCTestCase {
    var dir = ""
    var pool: NIOThreadPool!
    var spool: Spool!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "sealgate-\(type(of: self))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        spool = try Spool(directory: dir + "/spool", keyring: try SpoolKeyring.loadOrCreate(path: dir + "/spool.keys"))
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
    }

    override func tearDown() {
        try? pool.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
