// Failures that must never read as "no record": a resolver that never answers, a resolver
// address that does not parse, and a thread pool already shut down. All are DNSError.temporary.
import DNS
import Glibc
import Logging
import NIOPosix
import XCTest

final class ResolverFailureTests: XCTestCase {
    private var pool: NIOThreadPool!

    override func setUp() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    override func tearDown() {
        try? pool.syncShutdownGracefully()
    }

    /// A UDP socket bound on loopback that never reads: queries to it time out.
    private func silentPort() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureFailure("socket() failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { ptr -> Bool in
                bind(fd, ptr, len) == 0 && getsockname(fd, ptr, &len) == 0
            }
        }
        guard bound else { close(fd); throw FixtureFailure("bind() failed") }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    func testTimeoutIsTemporary() async throws {
        let (fd, port) = try silentPort()
        defer { close(fd) }
        let dns = LDNSResolver(server: "127.0.0.1:\(port)", dnssec: .trustAD, timeout: 1, pool: pool, logger: Logger(label: "t"))
        do {
            let answer = try await dns.mx("example.test")
            XCTFail("a silent server produced an answer: \(answer.records)")
        } catch let error as DNSError {
            guard case .temporary = error else { return XCTFail("expected .temporary, got \(error)") }
        }
    }

    func testInvalidServerAddressIsTemporary() async throws {
        let dns = LDNSResolver(server: "not-an-address", dnssec: .off, pool: pool, logger: Logger(label: "t"))
        do {
            _ = try await dns.txt("example.test")
            XCTFail("an invalid resolver address produced an answer")
        } catch let error as DNSError {
            guard case .temporary = error else { return XCTFail("expected .temporary, got \(error)") }
        }
    }

    /// The exchanges run on the pool the caller passed: once it is shut down, lookups fail
    /// temporarily (the resolver keeps no pool of its own).
    func testLookupOnAShutDownPoolIsTemporary() async throws {
        let (fd, port) = try silentPort()
        defer { close(fd) }
        let dns = LDNSResolver(server: "127.0.0.1:\(port)", dnssec: .off, timeout: 1, pool: pool, logger: Logger(label: "t"))
        try await pool.shutdownGracefully()
        do {
            let answer = try await dns.mx("example.test")
            XCTFail("a lookup without a running pool produced an answer: \(answer.records)")
        } catch let error as DNSError {
            guard case .temporary(let why) = error else { return XCTFail("expected .temporary, got \(error)") }
            // NIO reports an inactive pool as cancellation; a resolver with a pool of its own would time out.
            XCTAssertTrue(why.contains("CancellationError") || why.contains("ThreadPoolInactive"), why)
        }
    }
}
