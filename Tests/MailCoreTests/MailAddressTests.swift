// Tests for MailAddress parsing: dot-strings, quoted local parts, UTF-8, IDN and address literals,
// and the RFC 5321 size limits.

import XCTest
@testable import MailCore

final class MailAddressTests: XCTestCase {
    func testPlainAddress() throws {
        let a = try MailAddressParser.parse("Alice.Smith@Example.COM", allowUTF8: false)
        XCTAssertEqual(a.localPart, "Alice.Smith")
        XCTAssertEqual(a.domain, .name(DomainName("example.com")!))
        XCTAssertEqual(a.description, "Alice.Smith@example.com")
    }

    func testQuotedLocalPart() throws {
        let a = try MailAddressParser.parse("\"john doe\\\"x\"@example.org", allowUTF8: false)
        XCTAssertEqual(a.localPart, "john doe\"x")
        XCTAssertEqual(a.description, "\"john doe\\\"x\"@example.org")
    }

    func testUTF8NeedsSMTPUTF8() throws {
        XCTAssertThrowsError(try MailAddressParser.parse("δοκιμή@παράδειγμα.δοκιμή", allowUTF8: false)) {
            XCTAssertEqual($0 as? MailAddressError, .utf8NotAllowed)
        }
        let a = try MailAddressParser.parse("δοκιμή@παράδειγμα.δοκιμή", allowUTF8: true)
        XCTAssertTrue(a.needsSMTPUTF8)
        guard case .name(let d) = a.domain else { return XCTFail("not a name") }
        XCTAssertEqual(d.ascii, "xn--hxajbheg2az3al.xn--jxalpdlp")
    }

    func testIDNALabelRoundTrip() {
        let d = DomainName("xn--bcher-kva.example")!
        XCTAssertEqual(d.unicode, "bücher.example")
        XCTAssertEqual(DomainName("Bücher.example"), d)
    }

    func testAddressLiterals() throws {
        XCTAssertEqual(try MailAddressParser.parse("a@[127.0.0.1]", allowUTF8: false).domain, .ipv4("127.0.0.1"))
        XCTAssertEqual(try MailAddressParser.parse("a@[IPv6:::1]", allowUTF8: false).domain, .ipv6("::1"))
        XCTAssertEqual(try MailAddressParser.parse("a@[IPv6:2001:db8::1]", allowUTF8: false).description, "a@[IPv6:2001:db8::1]")
        XCTAssertThrowsError(try MailAddressParser.parse("a@[300.0.0.1]", allowUTF8: false))
        XCTAssertThrowsError(try MailAddressParser.parse("a@[IPv6:1:2:3]", allowUTF8: false))
    }

    func testMalformed() {
        for bad in ["", "noat", "@example.com", "a..b@example.com", ".a@example.com", "a@", "a@-x.com", "a@ex ample.com", "a b@example.com"] {
            XCTAssertThrowsError(try MailAddressParser.parse(bad, allowUTF8: false), bad)
        }
        XCTAssertThrowsError(try MailAddressParser.parse(String(repeating: "a", count: 65) + "@example.com", allowUTF8: false)) {
            XCTAssertEqual($0 as? MailAddressError, .localPartTooLong)
        }
    }

    func testIPNetworks() {
        let net = IPNetwork("127.0.0.0/8")!
        XCTAssertTrue(net.contains(IPAddress("127.1.2.3")!))
        XCTAssertFalse(net.contains(IPAddress("128.0.0.1")!))
        XCTAssertTrue(IPNetwork("::1/128")!.contains(IPAddress("::1")!))
        XCTAssertTrue(net.contains(IPAddress("::ffff:127.0.0.5")!))
        XCTAssertEqual(IPAddress("2001:db8:0:0:0:0:0:1")!.description, "2001:db8::1")
        XCTAssertNil(IPNetwork("10.0.0.0/33"))
    }

    func testQueueIDShape() {
        let a = QueueID(microseconds: 1_790_000_000_000_000, node: 1, random: 7)
        let b = QueueID(microseconds: 1_790_000_000_000_001, node: 1, random: 0)
        XCTAssertEqual(a.value.count, QueueID.length)
        XCTAssertLessThan(a, b)
        XCTAssertEqual(QueueID(a.value), a)
        XCTAssertNil(QueueID("short"))
    }
}
