// The value syntaxes: sizes and durations as the config reads them, listen addresses (IPv4 and IPv6),
// smarthost forms, resolvers, path resolution and the typo suggestions.

import MailCore
import XCTest
@testable import Gateway

final class ConfigValueParserTests: XCTestCase {
    func testDurationsAndSizesUseTheSharedSyntax() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let yaml = "delivery: {retry: [30s, 1w], max_lifetime: 2d}\nlimits: {max_message_size: 10MB}\n"
        let config = try ConfigLoader.parse(yaml: yaml, path: dir + "/sealgate.yaml", now: Date()).get()
        XCTAssertEqual(config.retrySteps, [30, 604_800])
        XCTAssertEqual(config.maxMessageSize, 10_000_000, "MB is a power of 1000")
        let binary = try ConfigLoader.parse(yaml: "limits: {max_message_size: 10 MiB}\n", path: dir + "/sealgate.yaml", now: Date()).get()
        XCTAssertEqual(binary.maxMessageSize, 10_485_760, "MiB is a power of 1024")
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
