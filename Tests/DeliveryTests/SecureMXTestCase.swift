// SecureMXTestCase: the world the MX TLS and probe tests share: example.net with one MX on
// 127.0.0.1, DNSSEC-secure answers from a stub resolver, and a certificate for the MX name.

import NIOPosix
import TestSupport
import XCTest
@testable import Delivery

class SecureMXTestCase: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var pool: NIOThreadPool!
    var cert: TestCertificate!
    let resolver = StubResolver()
    let mxHost = "mx.example.net"

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        cert = try TestCertificate.make(name: mxHost)
        resolver.setMX("example.net", [(10, mxHost)], status: .secure)
        resolver.setAddresses(mxHost, ["127.0.0.1"], status: .secure)
    }

    override func tearDown() {
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        cert?.remove()
    }
}
