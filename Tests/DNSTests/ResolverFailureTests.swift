// Failures that must never read as "no record": a resolver that never answers, and a resolver
// address that does not parse. Both are DNSError.temporary.
import DNS
import Glibc
import Logging
import XCTest

final class ResolverFailureTests: XCTestCase {
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
        let dns = LDNSResolver(server: "127.0.0.1:\(port)", dnssec: .trustAD, timeout: 1, logger: Logger(label: "t"))
        do {
            let answer = try await dns.mx("example.test")
            XCTFail("a silent server produced an answer: \(answer.records)")
        } catch let error as DNSError {
            guard case .temporary = error else { return XCTFail("expected .temporary, got \(error)") }
        }
    }

    func testInvalidServerAddressIsTemporary() async throws {
        let dns = LDNSResolver(server: "not-an-address", dnssec: .off, logger: Logger(label: "t"))
        do {
            _ = try await dns.txt("example.test")
            XCTFail("an invalid resolver address produced an answer")
        } catch let error as DNSError {
            guard case .temporary = error else { return XCTFail("expected .temporary, got \(error)") }
        }
    }
}
