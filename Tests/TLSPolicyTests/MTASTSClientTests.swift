// MTASTSClient against a real local HTTPS server (test CA, 127.0.0.1) and a stub Resolver:
// fetch and cache, id change, 404, redirects, bad certificates, size cap, and the §5.1 cache rules.
import DNS
import Foundation
import Logging
import MailCore
import NIOConcurrencyHelpers
import XCTest
@testable import TLSPolicy

final class MTASTSClientTests: XCTestCase {
    private let domain = "sts.example.test"
    private let goodPolicy = "version: STSv1\nmode: enforce\nmx: mx1.sts.example.test\nmx: *.mx.sts.example.test\nmax_age: 86400\n"
    private var directory = ""
    private var pki: MTASTSTestPKI!
    private var caFile = ""
    private var server: MTASTSTestHTTPSServer!
    private var resolver: MTASTSStubResolver!
    private let now = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    private var clients: [MTASTSClient] = []

    override func setUp() async throws {
        directory = NSTemporaryDirectory() + "mtasts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pki = try MTASTSTestPKI()
        caFile = try pki.writeCA(into: directory)
        resolver = MTASTSStubResolver(domain: domain)
        resolver.setTXT(["v=STSv1; id=first;"])
        resolver.setAddresses([IPAddress("127.0.0.1")].compactMap { $0 })
        server = MTASTSTestHTTPSServer()
        server.respond(.init(body: goodPolicy))
    }

    override func tearDown() async throws {
        for client in clients { await client.shutdown() }
        await server?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func startServer(certificateFor host: String? = nil) async throws {
        let leaf = try pki.leaf(for: host ?? "mta-sts." + domain)
        try await server.start(certificate: leaf.certificate, key: leaf.key)
    }

    private func makeClient(extraCAFile: String?? = .none, cache: Bool = true) -> MTASTSClient {
        let clock = now
        let client = MTASTSClient(resolver: resolver, extraCAFile: extraCAFile ?? caFile, httpsPort: server.port,
                                  cacheDirectory: cache ? directory + "/cache" : nil,
                                  logger: Logger(label: "mta-sts-test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                  clock: { clock.withLockedValue { $0 } })
        clients.append(client)
        return client
    }

    private func advance(seconds: TimeInterval) { now.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }

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
        try await startServer()
        let client = makeClient()
        let first = await client.policy(for: "STS.Example.Test.")
        XCTAssertEqual(first, .policy(expectedGood))
        XCTAssertEqual(server.requestLines, ["GET /.well-known/mta-sts.txt HTTP/1.1"])

        let second = await client.policy(for: domain)
        XCTAssertEqual(second, .policy(expectedGood))
        XCTAssertEqual(server.requestCount, 1, "a cached policy with the same id must not be fetched again")

        // The disk cache: 0600, and a fresh client (a restart) uses it without fetching.
        let file = directory + "/cache/" + domain + ".json"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let restarted = makeClient()
        let third = await restarted.policy(for: domain)
        XCTAssertEqual(third, .policy(expectedGood))
        XCTAssertEqual(server.requestCount, 1)
    }

    func testIDChangeTriggersRefetch() async throws {
        try await startServer()
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.setTXT(["v=STSv1; id=second;"])
        server.respond(.init(body: "version: STSv1\nmode: testing\nmx: mx9.sts.example.test\nmax_age: 600\n"))
        let lookup = await client.policy(for: domain)
        XCTAssertEqual(lookup, .policy(MTASTSPolicy(mode: .testing, mx: ["mx9.sts.example.test"], maxAge: 600, id: "second")))
        XCTAssertEqual(server.requestCount, 2)
    }

    func testExpiredPolicyIsFetchedAgain() async throws {
        try await startServer()
        let client = makeClient()
        _ = await client.policy(for: domain)
        advance(seconds: 86401)
        let lookup = await client.policy(for: domain)
        XCTAssertEqual(lookup, .policy(expectedGood))
        XCTAssertEqual(server.requestCount, 2)
    }

    /// RFC 8461 §3.3 lets a sender treat an unfetchable policy as "no MTA-STS"; the client reports
    /// it as a temporary failure and leaves that choice to the planner.
    func testNotFoundWithNoCacheIsATemporaryFailure() async throws {
        try await startServer()
        server.respond(.init(status: "404 Not Found", body: "nope"))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "404")
    }

    func testRedirectIsNotFollowed() async throws {
        try await startServer()
        server.respond(.init(status: "301 Moved Permanently",
                             headers: [("Location", "https://mta-sts.\(domain):\(server.port)/elsewhere.txt")], body: ""))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "301")
        XCTAssertEqual(server.requestLines, ["GET /.well-known/mta-sts.txt HTTP/1.1"])
    }

    func testCertificateForAnotherNameIsRefused() async throws {
        try await startServer(certificateFor: "mta-sts.other.test")
        let lookup = await makeClient().policy(for: domain)
        assertTemporaryFailure(lookup, containing: "failedToValidateHostname")
        XCTAssertEqual(server.requestCount, 0, "no request may be sent over an unverified connection")
    }

    func testCertificateFromAnUntrustedCAIsRefused() async throws {
        try await startServer()
        let lookup = await makeClient(extraCAFile: .some(nil)).policy(for: domain)
        assertTemporaryFailure(lookup, containing: "CERTIFICATE_VERIFY_FAILED")
        XCTAssertEqual(server.requestCount, 0)
    }

    func testOversizedBodyIsRefusedWithAndWithoutContentLength() async throws {
        try await startServer()
        let big = goodPolicy + String(repeating: "x-padding: " + String(repeating: "a", count: 1000) + "\n", count: 70)
        server.respond(.init(body: big))
        assertTemporaryFailure(await makeClient(cache: false).policy(for: domain), containing: "larger than")
        server.respond(.init(body: big, contentLength: false))
        assertTemporaryFailure(await makeClient(cache: false).policy(for: domain), containing: "larger than")
        XCTAssertEqual(server.requestCount, 2)
    }

    func testBodyJustUnderTheCapIsAccepted() async throws {
        try await startServer()
        var body = goodPolicy
        while body.utf8.count + 1001 < 64 * 1024 { body += "x-padding: " + String(repeating: "a", count: 989) + "\n" }
        server.respond(.init(body: body, contentLength: false))
        let lookup1 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup1, .policy(expectedGood))
    }

    func testWrongContentTypeIsRefused() async throws {
        try await startServer()
        server.respond(.init(headers: [("Content-Type", "text/html")], body: goodPolicy))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "text/html")
    }

    func testInvalidPolicyIsRefused() async throws {
        try await startServer()
        server.respond(.init(body: "version: STSv1\nmode: enforce\nmax_age: 99999999999\n"))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "line 3")
    }

    func testTXTTemporaryFailureKeepsAnUnexpiredCachedPolicy() async throws {
        try await startServer()
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.failTXT(.temporary("SERVFAIL"))
        advance(seconds: 3600)
        let lookup2 = await client.policy(for: domain)
        XCTAssertEqual(lookup2, .policy(expectedGood))
        advance(seconds: 86400)
        assertTemporaryFailure(await client.policy(for: domain), containing: "SERVFAIL")
        XCTAssertEqual(server.requestCount, 1)
    }

    func testTXTTemporaryFailureWithoutCache() async throws {
        try await startServer()
        resolver.failTXT(.temporary("timeout"))
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "timeout")
        XCTAssertEqual(server.requestCount, 0)
    }

    func testNoRecordOrSeveralRecordsMeanNoPolicy() async throws {
        try await startServer()
        resolver.setTXT(["v=spf1 -all"])
        let lookup3 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup3, MTASTSLookup.none)
        resolver.setTXT(["v=STSv1; id=a;", "v=STSv1; id=b;"])
        let lookup4 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup4, MTASTSLookup.none)
        resolver.setTXT(["v=STSv1; id=bad-id;"])
        let lookup5 = await makeClient().policy(for: domain)
        XCTAssertEqual(lookup5, MTASTSLookup.none)
        XCTAssertEqual(server.requestCount, 0)
    }

    func testRecordRemovedKeepsCachedPolicyAndFailedRefetchKeepsIt() async throws {
        try await startServer()
        let client = makeClient()
        _ = await client.policy(for: domain)
        resolver.setTXT([])
        let lookup6 = await client.policy(for: domain)
        XCTAssertEqual(lookup6, .policy(expectedGood))
        resolver.setTXT(["v=STSv1; id=second;"])
        server.respond(.init(status: "500 Internal Server Error", body: ""))
        let lookup7 = await client.policy(for: domain)
        XCTAssertEqual(lookup7, .policy(expectedGood))
        XCTAssertEqual(server.requestCount, 2)
    }

    func testNoAddressForThePolicyHost() async throws {
        try await startServer()
        resolver.setAddresses([])
        assertTemporaryFailure(await makeClient().policy(for: domain), containing: "no address")
    }
}
