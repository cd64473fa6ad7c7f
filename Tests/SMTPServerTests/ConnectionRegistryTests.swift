// Tests for ConnectionRegistry: the total and per-IP connection limits, the reserve for trusted and
// submission clients, stress mode's threshold (on at it, off below it), and that a session's slot
// is given back when it ends.

import NIOEmbedded
import XCTest
@testable import SMTPServer

final class ConnectionRegistryTests: XCTestCase {
    final class Token {}

    private let loop = EmbeddedEventLoop()
    private var handle: ConnectionRegistry.SessionHandle { .init(eventLoop: loop, shutdown: {}) }

    private func register(_ registry: ConnectionRegistry, _ token: Token, ip: String = "127.0.0.1",
                          limits: ConnectionLimits, privileged: Bool = false) -> ConnectionRegistry.Admission {
        registry.register(ObjectIdentifier(token), ip: ip, limits: limits, privileged: privileged, handle: handle)
    }

    func testLimits() {
        let registry = ConnectionRegistry()
        let limits = ConnectionLimits(maxTotal: 3, reserved: 0, maxPerIP: 2)
        let tokens = (0..<4).map { _ in Token() }
        XCTAssertEqual(register(registry, tokens[0], limits: limits), .admitted(stress: nil))
        XCTAssertEqual(register(registry, tokens[1], limits: limits), .admitted(stress: nil))
        XCTAssertEqual(register(registry, tokens[2], limits: limits), .refused(.perIP), "per-IP limit")
        XCTAssertNotEqual(register(registry, tokens[2], ip: "127.0.0.2", limits: limits), .refused(.perIP))
        XCTAssertEqual(register(registry, tokens[3], ip: "127.0.0.3", limits: limits), .refused(.full(inUse: 3)), "total limit")
        registry.unregister(ObjectIdentifier(tokens[0]), ip: "127.0.0.1")
        XCTAssertEqual(registry.count, 2)
        XCTAssertNotEqual(register(registry, tokens[3], limits: limits), .refused(.full(inUse: 2)))
        XCTAssertEqual(registry.count, 3)
    }

    func testTheReserveIsForPrivilegedClientsOnly() {
        let registry = ConnectionRegistry()
        let limits = ConnectionLimits(maxTotal: 5, reserved: 2, maxPerIP: 5)
        XCTAssertEqual(limits.unreserved, 3)
        let tokens = (0..<7).map { _ in Token() }
        for t in tokens[0..<3] {
            guard case .admitted = register(registry, t, ip: "127.0.0.9", limits: limits) else { return XCTFail("unreserved slot") }
        }
        XCTAssertEqual(register(registry, tokens[3], ip: "127.0.0.10", limits: limits), .refused(.reserved(inUse: 3)),
                       "an untrusted client may not take a reserved slot")
        guard case .admitted = register(registry, tokens[3], ip: "127.0.0.10", limits: limits, privileged: true),
              case .admitted = register(registry, tokens[4], ip: "127.0.0.11", limits: limits, privileged: true) else {
            return XCTFail("a privileged client takes the reserve")
        }
        XCTAssertEqual(register(registry, tokens[5], limits: limits, privileged: true), .refused(.full(inUse: 5)),
                       "the reserve is part of max_connections, not on top of it")
        // A privileged session leaving frees a slot, but only the reserve: still none for untrusted clients.
        registry.unregister(ObjectIdentifier(tokens[4]), ip: "127.0.0.11")
        XCTAssertEqual(register(registry, tokens[5], ip: "127.0.0.12", limits: limits), .refused(.reserved(inUse: 4)))
        // An untrusted session leaving frees an unreserved slot.
        registry.unregister(ObjectIdentifier(tokens[0]), ip: "127.0.0.9")
        registry.unregister(ObjectIdentifier(tokens[1]), ip: "127.0.0.9")
        guard case .admitted = register(registry, tokens[5], ip: "127.0.0.12", limits: limits) else { return XCTFail("freed slot") }
        XCTAssertEqual(registry.count, 3)
    }

    func testThePerIPLimitAppliesToPrivilegedClientsToo() {
        let registry = ConnectionRegistry()
        let limits = ConnectionLimits(maxTotal: 10, reserved: 5, maxPerIP: 1)
        let a = Token(), b = Token()
        guard case .admitted = register(registry, a, limits: limits, privileged: true) else { return XCTFail() }
        XCTAssertEqual(register(registry, b, limits: limits, privileged: true), .refused(.perIP))
    }

    func testStressThresholdIsEightyPercentOfTheUnreservedPartRoundedUp() {
        XCTAssertEqual(ConnectionLimits(maxTotal: 200, reserved: 20, maxPerIP: 50).stressThreshold, 144)
        XCTAssertEqual(ConnectionLimits(maxTotal: 40, reserved: 5, maxPerIP: 50).stressThreshold, 28)
        XCTAssertEqual(ConnectionLimits(maxTotal: 10, reserved: 0, maxPerIP: 10).stressThreshold, 8)
        XCTAssertEqual(ConnectionLimits(maxTotal: 2, reserved: 1, maxPerIP: 1).stressThreshold, 1)
        XCTAssertEqual(ConnectionLimits(maxTotal: 1, reserved: 0, maxPerIP: 1).stressThreshold, 1)
    }

    func testStressBeginsAtTheThresholdAndEndsBelowItOnceEach() {
        let registry = ConnectionRegistry()
        let limits = ConnectionLimits(maxTotal: 7, reserved: 2, maxPerIP: 10)   // unreserved 5, threshold 4
        XCTAssertEqual(limits.stressThreshold, 4)
        let tokens = (0..<7).map { _ in Token() }
        for t in tokens[0..<3] { XCTAssertEqual(register(registry, t, limits: limits), .admitted(stress: nil)) }
        XCTAssertFalse(registry.underStress)
        XCTAssertEqual(register(registry, tokens[3], limits: limits),
                       .admitted(stress: StressChange(began: true, inUse: 4, threshold: 4, refused: 0)))
        XCTAssertTrue(registry.underStress)
        XCTAssertEqual(register(registry, tokens[4], limits: limits), .admitted(stress: nil), "logged once, not per connect")
        XCTAssertEqual(register(registry, tokens[5], limits: limits), .refused(.reserved(inUse: 5)))
        XCTAssertEqual(register(registry, tokens[5], ip: "127.0.0.2", limits: limits), .refused(.reserved(inUse: 5)))
        XCTAssertNil(registry.unregister(ObjectIdentifier(tokens[4]), ip: "127.0.0.1"), "4 is still at the threshold")
        XCTAssertTrue(registry.underStress)
        XCTAssertEqual(registry.unregister(ObjectIdentifier(tokens[3]), ip: "127.0.0.1"),
                       StressChange(began: false, inUse: 3, threshold: 4, refused: 2))
        XCTAssertFalse(registry.underStress)
        XCTAssertNil(registry.unregister(ObjectIdentifier(tokens[2]), ip: "127.0.0.1"))
        XCTAssertNil(registry.unregister(ObjectIdentifier(tokens[2]), ip: "127.0.0.1"), "a second unregister changes nothing")
        XCTAssertEqual(registry.count, 2)
    }

    func testShutdownReachesEverySession() {
        let registry = ConnectionRegistry()
        var called = 0
        let tokens = (0..<3).map { _ in Token() }
        for t in tokens {
            _ = registry.register(ObjectIdentifier(t), ip: "127.0.0.1", limits: ConnectionLimits(maxTotal: 10, reserved: 0, maxPerIP: 10),
                                  privileged: false, handle: .init(eventLoop: loop, shutdown: { called += 1 }))
        }
        registry.shutdownAll()
        loop.run()
        XCTAssertEqual(called, 3)
    }
}
