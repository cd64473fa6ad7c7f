// Tests for ConnectionRegistry: the total and per-IP connection limits, and that a session's
// slot is given back when it ends.

import NIOEmbedded
import XCTest
@testable import SMTPServer

final class ConnectionRegistryTests: XCTestCase {
    final class Token {}

    func testLimits() {
        let registry = ConnectionRegistry()
        let loop = EmbeddedEventLoop()
        let handle = ConnectionRegistry.SessionHandle(eventLoop: loop, shutdown: {})
        let tokens = (0..<4).map { _ in Token() }
        XCTAssertTrue(registry.register(ObjectIdentifier(tokens[0]), ip: "127.0.0.1", maxTotal: 3, maxPerIP: 2, handle: handle))
        XCTAssertTrue(registry.register(ObjectIdentifier(tokens[1]), ip: "127.0.0.1", maxTotal: 3, maxPerIP: 2, handle: handle))
        XCTAssertFalse(registry.register(ObjectIdentifier(tokens[2]), ip: "127.0.0.1", maxTotal: 3, maxPerIP: 2, handle: handle), "per-IP limit")
        XCTAssertTrue(registry.register(ObjectIdentifier(tokens[2]), ip: "127.0.0.2", maxTotal: 3, maxPerIP: 2, handle: handle))
        XCTAssertFalse(registry.register(ObjectIdentifier(tokens[3]), ip: "127.0.0.3", maxTotal: 3, maxPerIP: 2, handle: handle), "total limit")
        registry.unregister(ObjectIdentifier(tokens[0]), ip: "127.0.0.1")
        XCTAssertEqual(registry.count, 2)
        XCTAssertTrue(registry.register(ObjectIdentifier(tokens[3]), ip: "127.0.0.1", maxTotal: 3, maxPerIP: 2, handle: handle))
    }

    func testShutdownReachesEverySession() {
        let registry = ConnectionRegistry()
        let loop = EmbeddedEventLoop()
        var called = 0
        let tokens = (0..<3).map { _ in Token() }
        for t in tokens {
            _ = registry.register(ObjectIdentifier(t), ip: "127.0.0.1", maxTotal: 10, maxPerIP: 10,
                                  handle: .init(eventLoop: loop, shutdown: { called += 1 }))
        }
        registry.shutdownAll()
        loop.run()
        XCTAssertEqual(called, 3)
    }
}
