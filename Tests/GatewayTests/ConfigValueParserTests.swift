// The value syntaxes on their own: durations, byte sizes, listen addresses (IPv4 and IPv6),
// smarthost forms, resolvers, path resolution and the typo suggestions.

import MailCore
import XCTest
@testable import Gateway

final class ConfigValueParserTests: XCTestCase {
    func testDurations() throws {
        XCTAssertEqual(try ConfigValueParsers.duration("30s").get(), 30)
        XCTAssertEqual(try ConfigValueParsers.duration("5m").get(), 300)
        XCTAssertEqual(try ConfigValueParsers.duration("2h").get(), 7200)
        XCTAssertEqual(try ConfigValueParsers.duration("5d").get(), 432_000)
        for bad in ["", "5", "m", "-5m", "1.5h", "5w", "5 m", "1h30m"] {
            XCTAssertThrowsError(try ConfigValueParsers.duration(bad).get(), bad)
        }
    }

    func testByteSizes() throws {
        XCTAssertEqual(try ConfigValueParsers.byteSize("36700160").get(), 36_700_160)
        XCTAssertEqual(try ConfigValueParsers.byteSize("35MiB").get(), 35 * 1024 * 1024)
        XCTAssertEqual(try ConfigValueParsers.byteSize("64KiB").get(), 65536)
        for bad in ["0", "-1", "1MB", "MiB", "1.5MiB"] {
            XCTAssertThrowsError(try ConfigValueParsers.byteSize(bad).get(), bad)
        }
    }

    func testListenAddresses() throws {
        let v4 = try ConfigValueParsers.listenAddress("127.0.0.1:2525").get()
        XCTAssertEqual(v4.host, "127.0.0.1"); XCTAssertEqual(v4.port, 2525)
        let v6 = try ConfigValueParsers.listenAddress("[::1]:2525").get()
        XCTAssertEqual(v6.host, "::1"); XCTAssertEqual(v6.port, 2525)
        let long = try ConfigValueParsers.listenAddress("[0:0:0:0:0:0:0:1]:25").get()
        XCTAssertEqual(long.host, "::1", "IPv6 is normalised")
        XCTAssertEqual(ListenerConfig(name: "x", host: "::1", port: 2525, tls: .none, auth: .none).addressDescription, "[::1]:2525")
        XCTAssertEqual(ListenerConfig(name: "x", host: "127.0.0.1", port: 2525, tls: .none, auth: .none).addressDescription,
                       "127.0.0.1:2525")
        for bad in ["127.0.0.1", "::1:25", "[::1]", "[::1]x25", "host:25", "127.0.0.1:", "127.0.0.1:65536", "[]:25"] {
            XCTAssertThrowsError(try ConfigValueParsers.listenAddress(bad).get(), bad)
        }
    }

    func testSmarthostForms() throws {
        XCTAssertEqual(try ConfigValueParsers.smarthost("[127.0.0.1]:2526", defaultPort: 25).get(),
                       HostPort(host: "127.0.0.1", port: 2526, mxLookup: false))
        XCTAssertEqual(try ConfigValueParsers.smarthost("[mx.example.test]", defaultPort: 25).get(),
                       HostPort(host: "mx.example.test", port: 25, mxLookup: false))
        XCTAssertEqual(try ConfigValueParsers.smarthost("example.test", defaultPort: 2500).get(),
                       HostPort(host: "example.test", port: 2500, mxLookup: true))
        XCTAssertEqual(try ConfigValueParsers.smarthost("example.test:587", defaultPort: 25).get(),
                       HostPort(host: "example.test", port: 587, mxLookup: true))
        XCTAssertEqual(try ConfigValueParsers.smarthost("[::1]:2526", defaultPort: 25).get().description, "[::1]:2526")
        for bad in ["[127.0.0.1", "bad host", "[127.0.0.1]:0", "::1", "a..b"] {
            XCTAssertThrowsError(try ConfigValueParsers.smarthost(bad, defaultPort: 25).get(), bad)
        }
    }

    func testResolvers() throws {
        XCTAssertEqual(try ConfigValueParsers.resolver("127.0.0.54:53").get(), "127.0.0.54:53")
        XCTAssertEqual(try ConfigValueParsers.resolver("127.0.0.54").get(), "127.0.0.54:53")
        XCTAssertEqual(try ConfigValueParsers.resolver("[::1]:5353").get(), "[::1]:5353")
        XCTAssertThrowsError(try ConfigValueParsers.resolver("dns.example:53").get())
    }

    func testPathResolution() {
        XCTAssertEqual(ConfigValueParsers.resolvePath("var/spool", base: "/etc/gw"), "/etc/gw/var/spool")
        XCTAssertEqual(ConfigValueParsers.resolvePath("policies/", base: "/etc/gw/"), "/etc/gw/policies")
        XCTAssertEqual(ConfigValueParsers.resolvePath("../x/./y", base: "/etc/gw"), "/etc/x/y")
        XCTAssertEqual(ConfigValueParsers.resolvePath("/abs//p", base: "/etc/gw"), "/abs/p")
    }

    func testSuggestions() {
        XCTAssertEqual(NameSuggestion.closest(to: "hostnme", among: ConfigSchema.topLevel), "hostname")
        XCTAssertEqual(NameSuggestion.closest(to: "Listeners", among: ConfigSchema.topLevel), "listeners")
        XCTAssertEqual(NameSuggestion.closest(to: "max_msg_size", among: ConfigSchema.limits), "max_message_size")
        XCTAssertNil(NameSuggestion.closest(to: "frobnicate", among: ConfigSchema.topLevel))
        XCTAssertEqual(NameSuggestion.editDistance("kitten", "sitting"), 3)
    }
}

final class ConfigResolvConfTests: XCTestCase {
    func testFirstUsableNameserverIsTheDefaultResolver() {
        let text = "# comment\nsearch example.test\nnameserver bogus\nnameserver 127.0.0.53\nnameserver ::1\n"
        XCTAssertEqual(ResolvConf.firstNameserver(in: text), "127.0.0.53:53")
        XCTAssertEqual(ResolvConf.firstNameserver(in: "nameserver\tfe80::1\n"), "[fe80::1]:53")
        XCTAssertNil(ResolvConf.firstNameserver(in: "options ndots:2\n"))
        var config = GatewayConfig.builtInDefaults(baseDirectory: "/")
        config.dnsResolver = "127.0.0.54:53"
        XCTAssertEqual(config.effectiveDNSResolver(resolvConfPath: "/nonexistent"), "127.0.0.54:53")
        config.dnsResolver = nil
        XCTAssertNil(config.effectiveDNSResolver(resolvConfPath: "/nonexistent"))
    }
}
