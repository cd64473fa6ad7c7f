// Tests for the Received header's client name: a PTR name counts only when its forward lookup
// returns the client's address; DNS failures and loopback clients give "unknown" (nil).

import DNS
import MailCore
import XCTest
@testable import Gateway

final class ForwardConfirmedClientNameTests: XCTestCase {
    struct StubResolver: Resolver {
        var ptrs: [String: [String]] = [:]
        var forward: [String: [String]] = [:]
        var failing = false
        func answer<R>(_ r: [R]) -> DNSAnswer<R> { DNSAnswer(records: r, status: .insecure, ttl: 60, nxdomain: r.isEmpty) }
        func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> {
            if failing { throw DNSError.temporary("timeout") }
            return answer(ptrs[address.description] ?? [])
        }
        func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
            answer((forward[host] ?? []).compactMap(IPAddress.init))
        }
        func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> { answer([]) }
        func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> { answer([]) }
        func txt(_ name: String) async throws -> DNSAnswer<String> { answer([]) }
        func cname(_ name: String) async throws -> DNSAnswer<String> { answer([]) }
    }

    let client = IPAddress("192.0.2.7")!

    func testForwardConfirmedNameIsUsed() async {
        let r = StubResolver(ptrs: ["192.0.2.7": ["Mail.Example.ORG."]], forward: ["Mail.Example.ORG": ["192.0.2.7"]])
        let name = await ForwardConfirmedClientName(resolver: r).name(for: client)
        XCTAssertEqual(name, "mail.example.org")
    }

    func testUnconfirmedNameIsUnknown() async {
        let r = StubResolver(ptrs: ["192.0.2.7": ["spoofed.example."]], forward: ["spoofed.example": ["198.51.100.1"]])
        let name = await ForwardConfirmedClientName(resolver: r).name(for: client)
        XCTAssertNil(name)
    }

    func testFailureAndLoopbackAreUnknown() async {
        let failing = await ForwardConfirmedClientName(resolver: StubResolver(failing: true)).name(for: client)
        XCTAssertNil(failing)
        let r = StubResolver(ptrs: ["127.0.0.1": ["localhost."]], forward: ["localhost": ["127.0.0.1"]])
        let loopback = await ForwardConfirmedClientName(resolver: r).name(for: IPAddress("127.0.0.1")!)
        XCTAssertNil(loopback, "no DNS question is asked for a loopback client")
    }
}
