// MTASTSClient with a fake fetcher, a stub Resolver and a test clock: the §5.1 cache rules (served
// before max_age, refetched after and on an id change, kept on failures), the disk cache, bad text.
import DNS
import Foundation
import Logging
import MailCore
import NIOPosix
import TestSupport
import XCTest
@testable import TLSPolicy

final class MTASTSClientTests: XCTestCase {
    private let domain = "sts.example.test"
    private let goodPolicy = "version: STSv1\nmode: enforce\nmx: mx1.sts.example.test\nmx: *.mx.sts.example.test\nmax_age: 86400\n"
    private var directory = ""
    private var resolver: MTASTSStubResolver!
    private var fetcher: FakeMTASTSFetcher!
    private let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    private var pool: NIOThreadPool!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "mtasts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        resolver = MTASTSStubResolver(domain: domain)
        resolver.setTXT(["v=STSv1; id=first;"])
        resolver.setAddresses([IPAddress("127.0.0.1")].compactMap { $0 })
        fetcher = FakeMTASTSFetcher()
        fetcher.serve(goodPolicy)
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    override func tearDownWithError() throws {
        try pool.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func makeClient(cache: Bool = true) -> MTASTSClient {
        MTASTSClient(resolver: resolver, fetcher: fetcher, cacheDirectory: cache ? directory + "/cache" : nil,
                     pool: pool, logger: Logger(label: "mta-sts-test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: clock)
    }

    private func assertTemporaryFailure(_ lookup: MTASTSLookup, containing text: String,
                                        file: StaticString = #filePath, line: UInt = #line) {
        guard case .temporaryFailure(let reason) = lookup else {
            return XCTFail("expected a temporary failure, got \(lookup)", file: file, line: line)
        }
        XCTAssertTrue(reason.contains(text), "\"\(reason)\" does not mention \"\(text)\"", file: file, line: line)
    }

    private var expectedGood: MTASTSPolicy {
        MTASTSPolicy(mode: .enforce, mx: ["mx1.sts.example.test", "*.mx.sts.example.test"], maxAge: 86400, id: "first")
    }

    func testGoodPolicyIsFetchedThenServedFromCache() async throws {
        let client = makeClient()
        let first = await client.policy(for: "STS.Example.Test.")
        XCTAssertEqual(first, .policy(expectedGood))
        XCTAssertEqual(fetcher.fetchedAddresses, [["127.0.0.1"]], "fetched from the policy host's addresses")

        let second = await client.policy(for: domain)
        XCTAssertEqual(second, .policy(expectedGood))
        XCTAssertEqual(fetcher.fetchCount, 1, "a cached policy with the same id must not be fetched again")

        // The disk cache: 0600, and a fresh client (a restart) uses it without fetching.
        let file = directory + "/cache/" + domain + ".json"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let third = await makeClient().policy(for: domain)
        XCTAssertEqual(third, .policy(expectedGood))
        XCTAssertEqual(fetcher.fetchCount, 1)
    }

    func testPolicyIsServedFromCacheUntilMaxAgeThenFetchedAgain() async throws {
        let client = makeClient()
        _ = await client.policy(for: domain)
        fetcher.serve("version: STSv1\nmode: testing\nmx: mx1.sts.example.test\nmax_age: 86400\n")
        clock.advance(by: 86399)
        let beforeExpiry = await client.policy(for: domain)
        XCTAssertEqual(beforeExpiry, .policy(expectedGood), "one second before max_age the cached policy applies")
        XCTAssertEqual(fetcher.fetchCount, 1)

        clock.advance(by: 1)
        let afterExpiry = await client.policy(for: domain)
        XCTAssertEqual(afterExpiry, .policy(MTASTSPolicy(mode: .testing, mx: ["mx1.sts.example.test"], maxAge: 86400, id: "first")),
                       "at max_age the policy has expired and is fetched again, even with the same id")
        XCTAssertEqual(fetcher.fetchCount, 2)

        clock.advance(by: 3600)
        _ = await client.policy(for: domain)
        XCTAssertEqual(fetcher.fetchCount, 2, "the refetched policy is cached from the time it was fetched")
    }

    func testIDChangeTriggersRefetch() async throws {
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.setTXT(["v=STSv1; id=second;"])
        fetcher.serve("version: STSv1\nmode: testing\nmx: mx9.sts.example.test\nmax_age: 600\n")
        clock.advance(by: 60)
        let lookup = await client.policy(for: domain)
        XCTAssertEqual(lookup, .policy(MTASTSPolicy(mode: .testing, mx: ["mx9.sts.example.test"], maxAge: 600, id: "second")))
        XCTAssertEqual(fetcher.fetchCount, 2)
        clock.advance(by: 599)
        _ = await client.policy(for: domain)
        XCTAssertEqual(fetcher.fetchCount, 2, "the new policy's own max_age (600) applies")
        clock.advance(by: 1)
        _ = await client.policy(for: domain)
        XCTAssertEqual(fetcher.fetchCount, 3)
    }

    /// RFC 8461 §3.3 lets a sender treat an unfetchable policy as "no MTA-STS"; the client reports
    /// it as a temporary failure and leaves that choice to the planner.
    func testFetchFailureWithNoCacheIsATemporaryFailure() async throws {
        fetcher.fail(.status(404))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "404")
    }

    func testInvalidPolicyTextIsRefused() async throws {
        fetcher.serve("version: STSv1\nmode: enforce\nmax_age: 99999999999\n")
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "line 3")
    }

    func testTXTTemporaryFailureKeepsAnUnexpiredCachedPolicy() async throws {
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.failTXT(.temporary("SERVFAIL"))
        clock.advance(by: 86399)
        let kept = await client.policy(for: domain)
        XCTAssertEqual(kept, .policy(expectedGood))
        clock.advance(by: 1)
        assertTemporaryFailure(await client.policy(for: domain), containing: "SERVFAIL")
        XCTAssertEqual(fetcher.fetchCount, 1)
    }

    func testTXTTemporaryFailureWithoutCache() async throws {
        resolver.failTXT(.temporary("timeout"))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "timeout")
        XCTAssertEqual(fetcher.fetchCount, 0)
    }

    func testNoRecordOrSeveralRecordsMeanNoPolicy() async throws {
        resolver.setTXT(["v=spf1 -all"])
        let lookup3 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup3, MTASTSLookup.none)
        resolver.setTXT(["v=STSv1; id=a;", "v=STSv1; id=b;"])
        let lookup4 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup4, MTASTSLookup.none)
        resolver.setTXT(["v=STSv1; id=bad-id;"])
        let lookup5 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup5, MTASTSLookup.none)
        XCTAssertEqual(fetcher.fetchCount, 0)
    }

    func testRecordRemovedKeepsCachedPolicyAndFailedRefetchKeepsIt() async throws {
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.setTXT([])
        let lookup6 = await client.policy(for: domain)
        XCTAssertEqual(lookup6, .policy(expectedGood))
        resolver.setTXT(["v=STSv1; id=second;"])
        fetcher.fail(.status(500))
        let lookup7 = await client.policy(for: domain)
        XCTAssertEqual(lookup7, .policy(expectedGood))
        XCTAssertEqual(fetcher.fetchCount, 2)
    }

    func testNoAddressForThePolicyHostStillAsksTheFetcher() async throws {
        resolver.setAddresses([])
        fetcher.fail(.noAddress("mta-sts." + domain))
        assertTemporaryFailure(await makeClient(cache: false).policy(for: domain), containing: "no address")
        XCTAssertEqual(fetcher.fetchedAddresses, [[]])
    }
}
