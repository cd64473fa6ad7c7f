// ConfigLoader end to end: the full example, the built-in defaults, where a config
// file is looked for, and how relative paths resolve against the config file's directory.
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class ConfigLoaderTests: XCTestCase {
    func testFullExampleParsesIntoEveryField() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let c = try ConfigFixtures.config(ConfigFixtures.fullExample, in: dir)
        XCTAssertEqual(c.sourcePath, dir + "/sealgate.yaml")
        XCTAssertEqual(c.hostname, "gw.example.test")
        XCTAssertEqual(c.nodeID, 1)
        XCTAssertEqual(c.listeners, [
            ListenerConfig(name: "relay", host: "127.0.0.1", port: 2525, tls: .starttls, auth: .optional),
            ListenerConfig(name: "submission", host: "127.0.0.1", port: 5587, tls: .starttls, auth: .required),
        ])
        XCTAssertEqual(c.trustedNetworks.map(\.description), ["127.0.0.0/8", "::1/128"])
        XCTAssertEqual(c.normalizeBareNewlineNetworks, [])
        XCTAssertEqual(c.tlsCertificatePath, dir + "/certs/gateway.pem")
        XCTAssertEqual(c.tlsKeyPath, dir + "/certs/gateway.key")
        XCTAssertEqual(c.spoolPath, dir + "/var/spool")
        XCTAssertEqual(c.spoolKeyPath, dir + "/certs/spool.keys")
        XCTAssertEqual(c.smarthost, HostPort(host: "127.0.0.1", port: 2526, mxLookup: false))
        XCTAssertEqual(c.retrySteps, [60, 300, 900, 1800])
        XCTAssertEqual(c.retryAfter, 3600)
        XCTAssertEqual(c.maxLifetime, 5 * 86400)
        XCTAssertNil(c.deliveryCAFile)
        XCTAssertEqual(c.connectTimeout, 30)
        XCTAssertEqual(c.maxMessageSize, 36_700_160)
        XCTAssertEqual(c.maxRecipients, 1000)
        XCTAssertEqual(c.maxConnections, 200)
        XCTAssertEqual(c.maxConnectionsPerIP, 50)
        XCTAssertEqual(c.maxDataLineLength, 65536)
        XCTAssertEqual(c.commandTimeout, 300)
        XCTAssertEqual(c.dataTimeout, 600)
        XCTAssertEqual(c.reservedConnections, 20, "10% of max_connections")
        XCTAssertEqual(c.stressCommandTimeout, 10)
        XCTAssertEqual(c.auditStore, .sqlite(path: dir + "/var/audit.sqlite"))
        XCTAssertEqual(c.controlSocketPath, dir + "/var/sealgate.sock")
        XCTAssertEqual(c.logFormat, .text)
        XCTAssertEqual(c.logLevel, "info")
        XCTAssertEqual(c.policiesPath, dir + "/policies")
        XCTAssertEqual(c.usersPath, dir + "/certs/users")
        XCTAssertEqual(c.dnsResolver, "127.0.0.54:53")
        XCTAssertEqual(c.dnssecMode, "trust-ad")
    }

    func testBuiltInDefaults() {
        let c = GatewayConfig.builtInDefaults(baseDirectory: "/srv/gw")
        XCTAssertNil(c.sourcePath)
        XCTAssertFalse(c.hostname.isEmpty)
        XCTAssertNotNil(DomainName(c.hostname))
        XCTAssertEqual(c.listeners.map(\.addressDescription), ["127.0.0.1:2525", "127.0.0.1:5587"])
        XCTAssertEqual(c.listeners.map(\.auth), [.optional, .required])
        XCTAssertEqual(c.listeners.map(\.tls), [.starttls, .starttls])
        XCTAssertEqual(c.trustedNetworks.map(\.description), ["127.0.0.0/8", "::1/128"])
        XCTAssertEqual(c.spoolPath, "/srv/gw/var/spool")
        XCTAssertEqual(c.spoolKeyPath, "/srv/gw/certs/spool.keys")
        XCTAssertEqual(c.tlsCertificatePath, "/srv/gw/certs/gateway.pem")
        XCTAssertEqual(c.tlsKeyPath, "/srv/gw/certs/gateway.key")
        XCTAssertEqual(c.auditStore, .sqlite(path: "/srv/gw/var/audit.sqlite"))
        XCTAssertEqual(c.controlSocketPath, "/srv/gw/var/sealgate.sock")
        XCTAssertEqual(c.usersPath, "/srv/gw/certs/users")
        XCTAssertEqual(c.policiesPath, "/srv/gw/policies")
        XCTAssertNil(c.smarthost, "no smarthost: direct MX delivery, as Postfix without a relayhost")
        XCTAssertNil(c.dnsResolver)
        XCTAssertEqual([c.deliveryConcurrency, c.destinationConcurrency], [50, 20], "Postfix-like delivery concurrency")
    }

    func testMissingKeysKeepDefaultsButSmarthostIsRequiredInAFile() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let c = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        XCTAssertEqual(c.listeners.count, 2)
        XCTAssertEqual(c.maxRecipients, 1000)
        XCTAssertEqual(c.spoolPath, dir + "/var/spool")
        XCTAssertEqual(ConfigFixtures.diagnostics("hostname: gw.example.test\n", in: dir), [])
    }

    func testDeliveryTLSAndObservationKeys() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let c = try ConfigFixtures.config("""
            delivery:
              tls: {default: encrypt, domains: {Partner.Example: verify, "*.gov": dane}}
              observations: state/tls
              ratchet: yes
              ratchet_expiry: 10d
              concurrency: 80
              destination_concurrency: 7
            """, in: dir)
        XCTAssertNil(c.smarthost)
        XCTAssertEqual(c.tlsDefaultLevel, .encrypt)
        XCTAssertEqual(c.tlsDomainLevels, ["partner.example": .verify, "*.gov": .dane])
        XCTAssertEqual(c.observationsPath, dir + "/state/tls")
        XCTAssertEqual(c.mtaSTSCachePath, dir + "/var/mta-sts")
        XCTAssertTrue(c.tlsRatchet)
        XCTAssertEqual(c.tlsRatchetExpiry, 10 * 86400)
        XCTAssertEqual([c.deliveryConcurrency, c.destinationConcurrency], [80, 7])
    }

    func testConnectionReserveAndStressTimeout() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let defaults = GatewayConfig.builtInDefaults(baseDirectory: dir)
        XCTAssertEqual([defaults.maxConnections, defaults.reservedConnections], [200, 20])
        XCTAssertEqual(defaults.stressCommandTimeout, 10)
        let set = try ConfigFixtures.config(ConfigFixtures.minimal
            + "limits: {reserved_connections: 5, max_connections: 40, stress_command_timeout: 2s}\n", in: dir)
        XCTAssertEqual([set.maxConnections, set.reservedConnections], [40, 5], "checked against max_connections in any key order")
        XCTAssertEqual(set.stressCommandTimeout, 2)
        // Without the key the reserve follows max_connections: 10%, at least 1, always fewer.
        for (max, reserve) in [(40, 4), (15, 1), (5, 1), (2, 1), (1, 0), (1000, 100)] {
            let c = try ConfigFixtures.config(ConfigFixtures.minimal + "limits: {max_connections: \(max)}\n", in: dir)
            XCTAssertEqual(c.reservedConnections, reserve, "max_connections \(max)")
        }
        let none = try ConfigFixtures.config(ConfigFixtures.minimal + "limits: {reserved_connections: 0}\n", in: dir)
        XCTAssertEqual(none.reservedConnections, 0, "0 turns the reserve off")
        let short = try ConfigFixtures.config(ConfigFixtures.minimal + "limits: {command_timeout: 5s}\n", in: dir)
        XCTAssertEqual(short.stressCommandTimeout, 5, "never longer than command_timeout")
    }

    func testScannerSection() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        try "# local terms\nkidney stones\n".write(toFile: dir + "/terms.txt", atomically: true, encoding: .utf8)
        let c = try ConfigFixtures.config("""
            scanner: {mrn_context_words: [MRN, "patient no"], mrn_pattern: "[0-9]{7}", health_terms: [terms.txt], context_window: 64}
            """, in: dir)
        XCTAssertEqual(c.scannerConfiguration.mrnContextWords, ["MRN", "patient no"])
        XCTAssertEqual(c.scannerConfiguration.mrnPattern, "[0-9]{7}")
        XCTAssertEqual(c.scannerConfiguration.healthTermsFiles, [dir + "/terms.txt"])
        XCTAssertEqual(c.scannerConfiguration.contextWindow, 64)
        let d = ConfigFixtures.diagnostics("scanner: {mrn_pattern: \"([\", health_terms: [nope.txt]}\n", in: dir)
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d.first, "sealgate.yaml:1:24: error: scanner.mrn_pattern: '([' is not a valid regular expression")
        XCTAssertTrue(d.last?.hasPrefix("sealgate.yaml:1:45: error: scanner.health_terms[0]: cannot read '") == true, "\(d)")
        XCTAssertTrue(d.last?.hasSuffix("nope.txt'") == true, "\(d)")
    }

    func testLoadWithoutConfigUsesDefaultsRelativeToCurrentDirectory() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let c = try ConfigLoader.load(explicitPath: nil, currentDirectory: dir, now: Date()).get()
        XCTAssertNil(c.sourcePath)
        XCTAssertEqual(c.spoolPath, dir + "/var/spool")
    }

    func testLoadWithoutConfigPrefersSealgateYamlInCurrentDirectory() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        try "node_id: 7\n\(ConfigFixtures.minimal)".write(toFile: dir + "/sealgate.yaml", atomically: true, encoding: .utf8)
        let c = try ConfigLoader.load(explicitPath: nil, currentDirectory: dir, now: Date()).get()
        XCTAssertEqual(c.sourcePath, dir + "/sealgate.yaml")
        XCTAssertEqual(c.nodeID, 7)
    }

    func testExplicitRelativePathResolvesAgainstCurrentDirectoryAndPathsAgainstTheFile() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/etc/sub", withIntermediateDirectories: true)
        let yaml = ConfigFixtures.minimal + "spool: ../spool\nusers: /abs/users\npolicies: ./pol/\naudit: {store: \"sqlite:db/a.sqlite\"}\n"
            + "tls: {certificate: ../../certs/gateway.pem, key: ../../certs/gateway.key}\n"
        try yaml.write(toFile: dir + "/etc/sub/gw.yaml", atomically: true, encoding: .utf8)
        let c = try ConfigLoader.load(explicitPath: "etc/sub/gw.yaml", currentDirectory: dir, now: Date()).get()
        XCTAssertEqual(c.sourcePath, dir + "/etc/sub/gw.yaml")
        XCTAssertEqual(c.spoolPath, dir + "/etc/spool")
        XCTAssertEqual(c.usersPath, "/abs/users")
        XCTAssertEqual(c.policiesPath, dir + "/etc/sub/pol")
        XCTAssertEqual(c.auditStore, .sqlite(path: dir + "/etc/sub/db/a.sqlite"))
        XCTAssertEqual(c.tlsCertificatePath, dir + "/certs/gateway.pem")
        XCTAssertEqual(c.spoolKeyPath, dir + "/etc/sub/certs/spool.keys", "defaults follow the file's directory too")
    }

    func testExplicitPathThatDoesNotExist() {
        let result = ConfigLoader.load(explicitPath: "nope.yaml", currentDirectory: "/nonexistent-dir", now: Date())
        guard case .failure(let errors) = result else { return XCTFail("expected failure") }
        XCTAssertEqual(errors.diagnostics.map(\.description), ["nope.yaml:1:1: error: config file not found"])
    }

    func testIPv6ListenersSmarthostAndResolver() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let yaml = """
        listeners:
          - {name: v6, address: "[::1]:2525", tls: none, auth: none}
          - {name: v4, address: "127.0.0.2:25", tls: implicit, auth: required}
        delivery: {smarthost: "[::1]:2526"}
        dns: {resolver: "::1"}

        """
        let c = try ConfigFixtures.config(yaml, in: dir)
        XCTAssertEqual(c.listeners.map(\.addressDescription), ["[::1]:2525", "127.0.0.2:25"])
        XCTAssertEqual(c.listeners[0].host, "::1")
        XCTAssertEqual(c.listeners[1].tls, .implicit)
        XCTAssertEqual(c.smarthost, HostPort(host: "::1", port: 2526, mxLookup: false))
        XCTAssertEqual(c.dnsResolver, "[::1]:53")
    }

    func testSmarthostFormsAndDeliveryPort() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let mx = try ConfigFixtures.config("delivery: {smarthost: relay.example.test, port: 2500}\n", in: dir)
        XCTAssertEqual(mx.smarthost, HostPort(host: "relay.example.test", port: 2500, mxLookup: true))
        let bracketed = try ConfigFixtures.config("delivery: {smarthost: \"[relay.example.test]\"}\n", in: dir)
        XCTAssertEqual(bracketed.smarthost, HostPort(host: "relay.example.test", port: 25, mxLookup: false))
    }
}
