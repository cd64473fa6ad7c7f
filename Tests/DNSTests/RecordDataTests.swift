// Pure parts of the DNS target: PTR owner names, resolver addresses and resolv.conf, wire-format
// RDATA parsing and the RFC 2308 negative TTL.
@testable import DNS
import Foundation
import MailCore
import XCTest

final class RecordDataTests: XCTestCase {
    func testReverseNameIPv4() throws {
        XCTAssertEqual(ReverseName.of(try XCTUnwrap(IPAddress("192.0.2.10"))), "10.2.0.192.in-addr.arpa")
    }

    func testReverseNameIPv6() throws {
        let name = ReverseName.of(try XCTUnwrap(IPAddress("2001:db8::567:89ab")))
        XCTAssertEqual(name, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
    }

    func testResolverEndpointParsing() {
        XCTAssertEqual(ResolverEndpoint("127.0.0.54:53")?.description, "127.0.0.54:53")
        XCTAssertEqual(ResolverEndpoint("[::1]:5353")?.description, "[::1]:5353")
        XCTAssertEqual(ResolverEndpoint("127.0.0.1")?.port, 53)
        XCTAssertEqual(ResolverEndpoint("::1")?.port, 53)
        XCTAssertNil(ResolverEndpoint("127.0.0.1:0"))
        XCTAssertNil(ResolverEndpoint("127.0.0.1:99999"))
        XCTAssertNil(ResolverEndpoint("resolver.example:53"))
        XCTAssertEqual(ResolverEndpoint("127.0.0.54:53")?.isLoopback, true)
        XCTAssertEqual(ResolverEndpoint("[::1]:53")?.isLoopback, true)
        XCTAssertEqual(ResolverEndpoint("192.0.2.1:53")?.isLoopback, false)
    }

    func testFirstNameserverOfResolvConf() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("resolv-\(UUID().uuidString).conf")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# comment\nsearch example.test\nnameserver fe80::1%eth0x\nnameserver 10.0.0.2\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(LDNSResolver.firstNameserver(resolvConf: file.path), "[fe80::1]:53")
        try "options edns0\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertNil(LDNSResolver.firstNameserver(resolvConf: file.path))
        XCTAssertNil(LDNSResolver.firstNameserver(resolvConf: "/nonexistent/resolv.conf"))
    }

    func testMXWireParsing() throws {
        let rdata: [UInt8] = [0, 10, 3] + Array("MX1".utf8) + [7] + Array("Example".utf8) + [4] + Array("test".utf8) + [0]
        XCTAssertEqual(try RecordData.mx(rdata), MXRecord(preference: 10, host: "mx1.example.test"))
        XCTAssertEqual(try RecordData.mx([0, 0, 0]), MXRecord(preference: 0, host: ""))
        XCTAssertThrowsError(try RecordData.mx([0, 10, 5, 65]))
    }

    func testTXTJoinsStrings() throws {
        let rdata: [UInt8] = [3] + Array("v=s".utf8) + [0] + [4] + Array("pf1 ".utf8)
        XCTAssertEqual(try RecordData.txt(rdata), "v=spf1 ")
        XCTAssertThrowsError(try RecordData.txt([5, 65]))
    }

    func testNameEscapesOddBytes() throws {
        let (name, end) = try RecordData.name([3, 0x61, 0x2e, 0x20, 0])
        XCTAssertEqual(name, "a\\.\\032")
        XCTAssertEqual(end, 5)
    }

    func testNegativeTTLIsTheSmallerOfSOATTLAndMinimum() {
        let soa: [UInt8] = [2] + Array("ns".utf8) + [0] + [2] + Array("hm".utf8) + [0]
            + [0, 0, 0, 1, 0, 0, 14, 16, 0, 0, 3, 132, 0, 9, 58, 128, 0, 0, 0, 60]
        XCTAssertEqual(RecordData.negativeTTL(RawRecord(type: 6, ttl: 300, rdata: soa)), 60)
        XCTAssertEqual(RecordData.negativeTTL(RawRecord(type: 6, ttl: 30, rdata: soa)), 30)
        XCTAssertNil(RecordData.negativeTTL(RawRecord(type: 6, ttl: 30, rdata: Array(soa.dropLast()))))
    }

    func testQueryNameNormalization() throws {
        XCTAssertEqual(try QueryName.normalize("Example.TEST."), "example.test.")
        XCTAssertThrowsError(try QueryName.normalize(""))
        XCTAssertThrowsError(try QueryName.normalize("a..b"))
        XCTAssertThrowsError(try QueryName.normalize("has space.test"))
        XCTAssertThrowsError(try QueryName.normalize(String(repeating: "a", count: 64) + ".test"))
    }

    func testWeakerStatus() {
        XCTAssertEqual(DNSSECStatus.secure.weaker(.insecure), .insecure)
        XCTAssertEqual(DNSSECStatus.insecure.weaker(.secure), .insecure)
        XCTAssertEqual(DNSSECStatus.secure.weaker(.bogus), .bogus)
        XCTAssertEqual(DNSSECStatus.indeterminate.weaker(.secure), .indeterminate)
    }
}
