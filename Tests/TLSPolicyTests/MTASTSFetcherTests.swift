// MTASTSFetcher against a real local HTTPS server (test CA, 127.0.0.1) on an event loop group the
// test owns: the request, 404, redirects, bad certificates, the size cap and the Content-Type; an
// unreadable or empty CA file is refused when the fetcher is made.
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest
@testable import TLSPolicy

final class MTASTSFetcherTests: XCTestCase {
    private let domain = "sts.example.test"
    private let goodPolicy = "version: STSv1\nmode: enforce\nmx: mx1.sts.example.test\nmx: *.mx.sts.example.test\nmax_age: 86400\n"
    private var directory = ""
    private var pki: MTASTSTestPKI!
    private var caFile = ""
    private var server: MTASTSTestHTTPSServer!
    private var group: MultiThreadedEventLoopGroup!

    override func setUp() async throws {
        directory = NSTemporaryDirectory() + "mtasts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pki = try MTASTSTestPKI()
        caFile = try pki.writeCA(into: directory)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        server = MTASTSTestHTTPSServer()
        server.respond(.init(body: goodPolicy))
    }

    override func tearDown() async throws {
        await server?.stop()
        try? await group?.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func startServer(certificateFor host: String? = nil) async throws {
        let leaf = try pki.leaf(for: host ?? "mta-sts." + domain)
        try await server.start(certificate: leaf.certificate, key: leaf.key)
    }

    private func fetcher(extraCAFile: String?? = .none) throws -> MTASTSFetcher {
        // Loopback answers at once; a short connect timeout keeps refused and failed handshakes
        // (which the HTTP client retries until the timeout) from slowing the tests.
        try MTASTSFetcher(extraCAFile: extraCAFile ?? caFile, httpsPort: server.port, connectTimeout: .milliseconds(500), group: group,
                      logger: Logger(label: "mta-sts-test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// The text of the error the fetch ended with (a fetch that succeeded is a test failure).
    private func failure(_ fetcher: @autoclosure () throws -> MTASTSFetcher, addresses: [String] = ["127.0.0.1"],
                         file: StaticString = #filePath, line: UInt = #line) async -> String {
        do {
            let text = try await fetcher().policyText(domain: domain, addresses: addresses)
            XCTFail("the fetch succeeded: \(text)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    private func assertFailure(_ text: String, contains part: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(text.contains(part), "\"\(text)\" does not mention \"\(part)\"", file: file, line: line)
    }

    func testGoodPolicyIsFetchedOnce() async throws {
        try await startServer()
        let text = try await fetcher().policyText(domain: domain, addresses: ["127.0.0.1"])
        XCTAssertEqual(text, goodPolicy)
        XCTAssertEqual(server.requestLines, ["GET /.well-known/mta-sts.txt HTTP/1.1"])
    }

    func testNextAddressIsTriedWhenTheFirstDoesNotAnswer() async throws {
        try await startServer()
        // 127.0.0.2 has no listener on this port: a transport error, so the next address is tried.
        let text = try await fetcher().policyText(domain: domain, addresses: ["127.0.0.2", "127.0.0.1"])
        XCTAssertEqual(text, goodPolicy)
        XCTAssertEqual(server.requestCount, 1)
    }

    func testNotFoundIsRefused() async throws {
        try await startServer()
        server.respond(.init(status: "404 Not Found", body: "nope"))
        assertFailure(await failure(try fetcher()), contains: "404")
    }

    func testRedirectIsNotFollowed() async throws {
        try await startServer()
        server.respond(.init(status: "301 Moved Permanently",
                             headers: [("Location", "https://mta-sts.\(domain):\(server.port)/elsewhere.txt")], body: ""))
        assertFailure(await failure(try fetcher()), contains: "301")
        XCTAssertEqual(server.requestLines, ["GET /.well-known/mta-sts.txt HTTP/1.1"])
    }

    func testCertificateForAnotherNameIsRefused() async throws {
        try await startServer(certificateFor: "mta-sts.other.test")
        assertFailure(await failure(try fetcher()), contains: "failedToValidateHostname")
        XCTAssertEqual(server.requestCount, 0, "no request may be sent over an unverified connection")
    }

    func testCertificateFromAnUntrustedCAIsRefused() async throws {
        try await startServer()
        assertFailure(await failure(try fetcher(extraCAFile: .some(nil))), contains: "CERTIFICATE_VERIFY_FAILED")
        XCTAssertEqual(server.requestCount, 0)
    }

    func testOversizedBodyIsRefusedWithAndWithoutContentLength() async throws {
        try await startServer()
        let big = goodPolicy + String(repeating: "x-padding: " + String(repeating: "a", count: 1000) + "\n", count: 70)
        server.respond(.init(body: big))
        assertFailure(await failure(try fetcher()), contains: "larger than")
        server.respond(.init(body: big, contentLength: false))
        assertFailure(await failure(try fetcher()), contains: "larger than")
        XCTAssertEqual(server.requestCount, 2)
    }

    func testBodyJustUnderTheCapIsAccepted() async throws {
        try await startServer()
        var body = goodPolicy
        while body.utf8.count + 1001 < 64 * 1024 { body += "x-padding: " + String(repeating: "a", count: 989) + "\n" }
        server.respond(.init(body: body, contentLength: false))
        let text = try await fetcher().policyText(domain: domain, addresses: ["127.0.0.1"])
        XCTAssertEqual(text, body)
    }

    func testWrongContentTypeIsRefused() async throws {
        try await startServer()
        server.respond(.init(headers: [("Content-Type", "text/html")], body: goodPolicy))
        assertFailure(await failure(try fetcher()), contains: "text/html")
    }

    func testNoAddressForThePolicyHost() async throws {
        try await startServer()
        assertFailure(await failure(try fetcher(), addresses: []), contains: "no address")
    }

    func testUnreadableOrEmptyCAFileIsRefusedAtInit() throws {
        let missing = directory + "/no-such-ca.pem"
        XCTAssertThrowsError(try fetcher(extraCAFile: .some(missing))) { error in
            XCTAssertEqual(error as? CAFile.LoadError, CAFile.LoadError(path: missing, problem: .unreadable("no such file")))
            XCTAssertEqual("\(error)", "cannot read CA file \(missing): no such file", "the wording CAFile uses everywhere")
        }
        let empty = directory + "/empty-ca.pem"
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertThrowsError(try fetcher(extraCAFile: .some(empty))) { error in
            XCTAssertEqual(error as? CAFile.LoadError, CAFile.LoadError(path: empty, problem: .empty))
        }
        XCTAssertNoThrow(try fetcher(), "the test CA loads")
    }
}
