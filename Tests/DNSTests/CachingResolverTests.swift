// CachingResolver with a test clock and a counting upstream: TTL expiry, remaining TTL, negative
// caching, the one-day cap, 5 s caching of temporary failures, merged lookups, keys per type, the size bound.
@testable import DNS
import Foundation
import MailCore
import NIOConcurrencyHelpers
import TestSupport
import XCTest

/// A Resolver double that counts calls and answers from a script.
final class CountingResolver: Resolver {
    let calls = NIOLockedValueBox<[String]>([])
    let mxAnswer = NIOLockedValueBox<Result<DNSAnswer<MXRecord>, DNSError>>(
        .success(DNSAnswer(records: [MXRecord(preference: 10, host: "mx.example.test")], status: .secure, ttl: 300)))
    let txtTTL = NIOLockedValueBox<UInt32>(60)
    /// When set, mx() waits until the test opens this gate, so several lookups can be under way at once.
    let mxGate = NIOLockedValueBox<AsyncGate?>(nil)

    func count(_ prefix: String) -> Int { calls.withLockedValue { $0.filter { $0.hasPrefix(prefix) }.count } }
    private func record(_ call: String) { calls.withLockedValue { $0.append(call) } }

    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> {
        record("mx \(domain)")
        if let gate = mxGate.withLockedValue({ $0 }) { await gate.wait() }
        return try mxAnswer.withLockedValue { $0 }.get()
    }
    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        record("addresses \(host)")
        return DNSAnswer(records: [.v4([127, 0, 0, 9])], status: .insecure, ttl: 30)
    }
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> {
        record("tlsa \(name)")
        return DNSAnswer(records: [], status: .secure, ttl: 20, nxdomain: true)
    }
    func txt(_ name: String) async throws -> DNSAnswer<String> {
        record("txt \(name)")
        return DNSAnswer(records: ["v=STSv1; id=1"], status: .insecure, ttl: txtTTL.withLockedValue { $0 })
    }
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> {
        record("ptr \(address)")
        return DNSAnswer(records: ["host.example.test"], status: .insecure, ttl: 60)
    }
    func cname(_ name: String) async throws -> DNSAnswer<String> {
        record("cname \(name)")
        return DNSAnswer(records: [], status: .insecure, ttl: 60)
    }
}

/// Holds callers of `wait()` until `open()`; `waitForWaiters(n)` returns once n callers are held.
final class AsyncGate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var held: [CheckedContinuation<Void, Never>] = []
    private var arrivals = 0

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            arrivals += 1
            if isOpen { lock.unlock(); continuation.resume() } else { held.append(continuation); lock.unlock() }
        }
    }

    func waitForWaiters(_ n: Int) async {
        while lock.withLock({ arrivals < n }) { await Task.yield() }
    }

    func open() {
        let waiting: [CheckedContinuation<Void, Never>] = lock.withLock {
            isOpen = true
            defer { held = [] }
            return held
        }
        for continuation in waiting { continuation.resume() }
    }
}

final class CachingResolverTests: XCTestCase {
    func testAnswerIsCachedUntilItsTTLRunsOut() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, clock: clock)
        _ = try await cache.mx("example.test")
        clock.advance(by: 100)
        let second = try await cache.mx("EXAMPLE.test.")
        XCTAssertEqual(upstream.count("mx"), 1)
        XCTAssertEqual(second.ttl, 200, "a cached answer reports the TTL that remains")
        XCTAssertEqual(second.records, [MXRecord(preference: 10, host: "mx.example.test")])
        XCTAssertEqual(second.status, .secure)
        clock.advance(by: 199)
        let last = try await cache.mx("example.test")
        XCTAssertEqual(upstream.count("mx"), 1, "one second before the TTL runs out the answer is still cached")
        XCTAssertEqual(last.ttl, 1)
        clock.advance(by: 1)
        _ = try await cache.mx("example.test")
        XCTAssertEqual(upstream.count("mx"), 2, "at 300 s on the clock the 300 s answer has expired")
    }

    func testNegativeAnswerIsCachedForItsTTL() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, clock: clock)
        let first = try await cache.tlsa("_25._tcp.mx.example.test")
        XCTAssertTrue(first.nxdomain)
        clock.advance(by: 19)
        let second = try await cache.tlsa("_25._tcp.mx.example.test")
        XCTAssertTrue(second.nxdomain)
        XCTAssertTrue(second.records.isEmpty)
        XCTAssertEqual(upstream.count("tlsa"), 1)
        clock.advance(by: 2)
        _ = try await cache.tlsa("_25._tcp.mx.example.test")
        XCTAssertEqual(upstream.count("tlsa"), 2)
    }

    func testTemporaryFailureIsCachedForFiveSeconds() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, clock: clock)
        upstream.mxAnswer.withLockedValue { $0 = .failure(.temporary("SERVFAIL")) }
        do {
            _ = try await cache.mx("example.test")
            XCTFail("the failure was swallowed")
        } catch DNSError.temporary {}
        upstream.mxAnswer.withLockedValue {
            $0 = .success(DNSAnswer(records: [MXRecord(preference: 5, host: "mx5.example.test")], status: .secure, ttl: 300))
        }
        clock.advance(by: 4.9)
        do {
            _ = try await cache.mx("example.test")
            XCTFail("within 5 s the cached failure should be served")
        } catch DNSError.temporary(let why) {
            XCTAssertEqual(why, "SERVFAIL")
        }
        XCTAssertEqual(upstream.count("mx"), 1, "the failure was served from the cache")
        clock.advance(by: 0.1)
        let answer = try await cache.mx("example.test")
        XCTAssertEqual(answer.records.first?.host, "mx5.example.test")
        XCTAssertEqual(upstream.count("mx"), 2, "after 5 s the name is asked again")
    }

    func testConcurrentIdenticalLookupsShareOneUpstreamQuery() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let gate = AsyncGate()
        upstream.mxGate.withLockedValue { $0 = gate }
        let cache = CachingResolver(upstream, clock: clock)
        let lookups = (0..<5).map { _ in Task { try await cache.mx("Example.test") } }
        await gate.waitForWaiters(1)
        // Give the other four time to reach the cache while the first query is held (bounded; not
        // a wait for a retry): without merging each would now be an upstream query of its own.
        for _ in 0..<40 where upstream.count("mx") < 5 { try await Task.sleep(nanoseconds: 5_000_000) }
        gate.open()
        for lookup in lookups {
            let answer = try await lookup.value
            XCTAssertEqual(answer.records.first?.host, "mx.example.test")
        }
        XCTAssertEqual(upstream.count("mx"), 1, "five concurrent lookups of one name and type made one upstream query")
    }

    func testBogusIsNotCached() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, clock: clock)
        upstream.mxAnswer.withLockedValue { $0 = .failure(.bogus("signature crypto failed")) }
        for _ in 0..<2 {
            do { _ = try await cache.mx("example.test"); XCTFail("bogus answered") } catch DNSError.bogus {}
        }
        XCTAssertEqual(upstream.count("mx"), 2)
    }

    func testTTLIsCappedAtOneDay() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        upstream.txtTTL.withLockedValue { $0 = 10_000_000 }
        let cache = CachingResolver(upstream, clock: clock)
        _ = try await cache.txt("_mta-sts.example.test")
        clock.advance(by: 86_399)
        _ = try await cache.txt("_mta-sts.example.test")
        XCTAssertEqual(upstream.count("txt"), 1)
        clock.advance(by: 2)
        _ = try await cache.txt("_mta-sts.example.test")
        XCTAssertEqual(upstream.count("txt"), 2)
    }

    func testZeroTTLIsNotCached() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        upstream.txtTTL.withLockedValue { $0 = 0 }
        let cache = CachingResolver(upstream, clock: clock)
        _ = try await cache.txt("a.example.test")
        _ = try await cache.txt("a.example.test")
        XCTAssertEqual(upstream.count("txt"), 2)
    }

    func testTypesAreCachedSeparately() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, clock: clock)
        _ = try await cache.txt("example.test")
        _ = try await cache.cname("example.test")
        _ = try await cache.addresses("example.test")
        _ = try await cache.ptr(.v4([127, 0, 0, 9]))
        _ = try await cache.txt("example.test")
        _ = try await cache.cname("example.test")
        _ = try await cache.addresses("example.test")
        _ = try await cache.ptr(.v4([127, 0, 0, 9]))
        XCTAssertEqual(upstream.calls.withLockedValue { $0 }.count, 4)
    }

    func testSizeIsBounded() async throws {
        let upstream = CountingResolver(), clock = TestClock()
        let cache = CachingResolver(upstream, maxEntries: 3, clock: clock)
        for i in 0..<5 { _ = try await cache.txt("n\(i).example.test") }
        XCTAssertLessThanOrEqual(cache.count, 3)
        _ = try await cache.txt("n4.example.test")
        XCTAssertEqual(upstream.count("txt n4"), 1, "the newest entry is kept")
    }
}
