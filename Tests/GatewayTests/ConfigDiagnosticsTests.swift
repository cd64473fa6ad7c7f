// check-config's output: each kind of problem yields one `file:line:col: error: message` pointing at
// the offending key or value, and one run reports all of them, in file order.
import Foundation
import XCTest
@testable import Gateway
import YAMLSyntax

final class ConfigDiagnosticsTests: XCTestCase {
    private var dir = ""
    private let smarthost = "delivery: {smarthost: \"[127.0.0.1]:2526\"}\n"

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }

    private func check(_ yaml: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: dir), expected, file: file, line: line)
    }

    func testDiagnosticRendersAsFileLineColumnMessage() {
        let d = YAMLDiagnostic(file: "etc/gw.yaml", line: 3, column: 7, message: "boom")
        XCTAssertEqual(d.description, "etc/gw.yaml:3:7: error: boom")
        XCTAssertEqual(ConfigErrors(diagnostics: [d, d]).description, "etc/gw.yaml:3:7: error: boom\netc/gw.yaml:3:7: error: boom")
    }

    func testUnknownKeysSuggestTheClosestKnownKey() {
        check("hostnme: gw.example.test\nfrobnicate: 1\n" + smarthost + "relay: {trusted_network: []}\n", [
            "sealgate.yaml:1:1: error: unknown key 'hostnme'; did you mean 'hostname'?",
            "sealgate.yaml:2:1: error: unknown key 'frobnicate'",
            "sealgate.yaml:4:9: error: unknown key 'trusted_network' in relay; did you mean 'trusted_networks'?",
        ])
        check("delivery:\n  smart_host: x\n", [
            "sealgate.yaml:2:3: error: unknown key 'smart_host' in delivery; did you mean 'smarthost'?",
        ])
    }

    func testDeliveryTLSLevels() {
        check("delivery:\n  tls: {default: dane, domains: {partner.example: verify, \"*.gov\": dane-only, \"bad domain\": may, x.example: tight}}\n", [
            "sealgate.yaml:2:79: error: delivery.tls.domains: 'bad domain' is not a domain name or a *.wildcard",
            "sealgate.yaml:2:109: error: delivery.tls.domains.x.example: 'tight' is not allowed; expected one of: none, may, encrypt, dane, dane-only, verify, secure",
        ])
        check("delivery:\n  tls: {defaults: may}\n  ratchet: maybe\n", [
            "sealgate.yaml:2:9: error: unknown key 'defaults' in delivery.tls; did you mean 'default'?",
            "sealgate.yaml:3:12: error: delivery.ratchet: expected true or false, got 'maybe'",
        ])
    }

    func testWrongTypes() {
        check(smarthost + "hostname: [a, b]\nlimits: {max_recipients: ten}\nrelay: {trusted_networks: nope}\ntls: 5\n", [
            "sealgate.yaml:2:11: error: hostname: expected a string, got a list",
            "sealgate.yaml:3:26: error: limits.max_recipients: expected a whole number, got 'ten'",
            "sealgate.yaml:4:27: error: relay.trusted_networks: expected a list, got 'nope'",
            "sealgate.yaml:5:6: error: tls: expected a mapping, got '5'",
        ])
        check("- a\n", ["sealgate.yaml:1:1: error: the config file must be a mapping of keys (hostname:, listeners:, ...), got a list"])
    }

    func testBadAddresses() {
        check(smarthost + """
        listeners:
          - {name: a, address: "127.0.0.1", tls: none}
          - {name: b, address: "localhost:25", tls: none}
          - {name: c, address: "[::1]:99999", tls: none}
          - {name: d, address: "::1:25", tls: none}

        """, [
            "sealgate.yaml:3:24: error: listeners[0].address: bad address '127.0.0.1': expected IP:PORT, e.g. \"127.0.0.1:2525\" or \"[::1]:2525\"",
            "sealgate.yaml:4:24: error: listeners[1].address: bad address 'localhost:25': 'localhost' is not an IP address (listeners bind IP literals)",
            "sealgate.yaml:5:24: error: listeners[2].address: bad address '[::1]:99999': port must be a number from 0 to 65535",
            "sealgate.yaml:6:24: error: listeners[3].address: bad address '::1:25': expected IP:PORT, e.g. \"127.0.0.1:2525\" or \"[::1]:2525\"",
        ])
        check("delivery: {smarthost: \"[127.0.0.1\"}\n", [
            "sealgate.yaml:1:23: error: delivery.smarthost: bad smarthost '[127.0.0.1': expected [HOST]:PORT (no MX lookup) or HOST (MX lookup), e.g. \"[127.0.0.1]:2526\"",
        ])
    }

    func testBadNetworks() {
        check(smarthost + "relay: {trusted_networks: [\"10.0.0.0/33\", \"::1/64\"], normalize_bare_newline_networks: [\"10.1.2\"]}\n", [
            "sealgate.yaml:2:28: error: relay.trusted_networks[0]: bad network '10.0.0.0/33': expected an address or CIDR such as 10.0.0.0/8 or ::1/128",
            "sealgate.yaml:2:88: error: relay.normalize_bare_newline_networks[0]: bad network '10.1.2': expected an address or CIDR such as 10.0.0.0/8 or ::1/128",
        ])
    }

    func testBadDurations() {
        let hint = "use a whole number followed by s, m, h, d or w (e.g. 30s, 5m, 2h, 5d, 1w)"
        check("delivery: {smarthost: \"[127.0.0.1]:2526\", retry: [1m, 5x], max_lifetime: 5}\nlimits: {data_timeout: 1.5h}\n", [
            "sealgate.yaml:1:55: error: delivery.retry[1]: bad duration '5x': unknown unit 'x'; \(hint)",
            "sealgate.yaml:1:74: error: delivery.max_lifetime: bad duration '5': \(hint)",
            "sealgate.yaml:2:24: error: limits.data_timeout: bad duration '1.5h': durations are whole numbers; \(hint)",
        ])
    }

    func testBadSizes() {
        check(smarthost + "limits: {max_message_size: 10 M}\n", [
            "sealgate.yaml:2:28: error: limits.max_message_size: bad size '10 M': 'M' alone is ambiguous: write MB (powers of 1000) or MiB (powers of 1024)",
        ])
        check(smarthost + "limits: {max_message_size: 0}\n", [
            "sealgate.yaml:2:28: error: limits.max_message_size: '0' is too small; it must be at least 1 byte",
        ])
    }

    func testBadEnumValuesListTheAllowedOnes() {
        check(smarthost + "log: {format: xml}\nlisteners:\n  - {name: a, address: \"127.0.0.1:25\", tls: ssl, auth: maybe}\ndns: {dnssec: yes}\n", [
            "sealgate.yaml:2:15: error: log.format: 'xml' is not allowed; expected one of: text, json",
            "sealgate.yaml:4:45: error: listeners[0].tls: 'ssl' is not allowed; expected one of: none, starttls, implicit",
            "sealgate.yaml:4:56: error: listeners[0].auth: 'maybe' is not allowed; expected one of: none, optional, required",
            "sealgate.yaml:5:15: error: dns.dnssec: 'yes' is not allowed; expected one of: off, trust-ad",
        ])
    }

    func testMissingRequiredKeys() {
        // No smarthost is fine: mail goes to the MX hosts, as in Postfix without a relayhost.
        check("hostname: gw.example.test\n", [])
        check(smarthost + "listeners:\n  - {name: a}\n", ["sealgate.yaml:3:5: error: listeners[0]: missing required key 'address'"])
    }

    func testDuplicateListenerNamesAndAddresses() {
        check(smarthost + """
        listeners:
          - {name: relay, address: "127.0.0.1:2525", tls: none}
          - {name: relay, address: "127.0.0.1:2526", tls: none}
          - {name: other, address: "127.0.0.1:2525", tls: none}

        """, [
            "sealgate.yaml:4:12: error: listeners[1].name: duplicate listener name 'relay' (first defined at line 3)",
            "sealgate.yaml:5:28: error: listeners[2].address: 127.0.0.1:2525 is already used by listener 'relay'",
        ])
    }

    func testAuthRequiredWithoutTLSIsRefused() {
        check(smarthost + "listeners: [{name: a, address: \"127.0.0.1:25\", tls: none, auth: required}]\n", [
            "sealgate.yaml:2:65: error: listeners[0].auth: 'required' needs tls: starttls or implicit, because AUTH is offered only after TLS",
        ])
    }

    func testMissingCertificateIsReportedAtTheTLSKeys() throws {
        let bare = try ConfigFixtures.scratchDirectory(withCerts: false)
        let yaml = smarthost + "tls:\n  certificate: certs/gateway.pem\n  key: certs/gateway.key\n"
        let why = "(listener 'relay' uses starttls; scripts/run generates development certificates)"
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: bare), [
            // (the helper shortens the scratch directory's absolute path)
            "sealgate.yaml:3:3: error: tls.certificate: file not found: certs/gateway.pem \(why)",
            "sealgate.yaml:4:3: error: tls.key: file not found: certs/gateway.key \(why)",
        ])
        // Listeners without TLS need no certificate at all.
        let plain = smarthost + "listeners: [{name: a, address: \"127.0.0.1:25\", tls: none}]\n"
        XCTAssertEqual(ConfigFixtures.diagnostics(plain, in: bare), [])
    }

    func testUnusableCAFileIsReportedAtItsKey() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        let yaml = "delivery:\n  smarthost: \"[127.0.0.1]:2526\"\n  ca_file: certs/ca.pem\n"
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: dir),
                       ["sealgate.yaml:3:3: error: delivery.ca_file: cannot read CA file certs/ca.pem: no such file"])
        try Data().write(to: URL(fileURLWithPath: dir + "/certs/ca.pem"))
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: dir),
                       ["sealgate.yaml:3:3: error: delivery.ca_file: CA file certs/ca.pem is empty"])
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: dir + "/certs/ca.pem"))
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: dir),
                       ["sealgate.yaml:3:3: error: delivery.ca_file: CA file certs/ca.pem holds no PEM certificate"])
    }

    func testValidCAFileIsAccepted() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        try Self.selfSignedPEM.write(toFile: dir + "/certs/ca.pem", atomically: true, encoding: .utf8)
        let yaml = "delivery:\n  smarthost: \"[127.0.0.1]:2526\"\n  ca_file: certs/ca.pem\n"
        XCTAssertEqual(ConfigFixtures.diagnostics(yaml, in: dir), [])
    }

    func testYAMLSyntaxErrorsArePositioned() {
        check("hostname: a\n  node_id: 1\n", ["sealgate.yaml:2:10: error: YAML syntax error: mapping values are not allowed in this context"])
        check("listeners: [a, b\nnode_id: 1\n", [
            "sealgate.yaml:2:8: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 12)",
        ])
        check("hostname: a\nhostname: b\n", ["sealgate.yaml:1:1: error: duplicate key 'hostname': each key may appear only once in a mapping"])
    }

    func testOutOfRangeNumbers() {
        check(smarthost + "node_id: 5000\nlimits: {max_data_line_length: 80}\n", [
            "sealgate.yaml:2:10: error: node_id: 5000 is out of range; expected 0 to 960",
            "sealgate.yaml:3:32: error: limits.max_data_line_length: 80 is out of range; expected 1000 to 16777216",
        ])
        check("delivery: {smarthost: \"[127.0.0.1]:2526\", concurrency: 0, destination_concurrency: 5000}\n", [
            "sealgate.yaml:1:56: error: delivery.concurrency: 0 is out of range; expected 1 to 10000",
            "sealgate.yaml:1:84: error: delivery.destination_concurrency: 5000 is out of range; expected 1 to 1000",
        ])
    }

    func testBadReserveAndStressTimeout() {
        check(smarthost + "limits: {max_connections: 40, reserved_connections: 40, stress_command_timeout: 10x}\n", [
            "sealgate.yaml:2:53: error: limits.reserved_connections: 40 must be less than limits.max_connections (40); the rest is what untrusted clients may use",
            "sealgate.yaml:2:81: error: limits.stress_command_timeout: bad duration '10x': unknown unit 'x'; use a whole number followed by s, m, h, d or w (e.g. 30s, 5m, 2h, 5d, 1w)",
        ])
        check(smarthost + "limits:\n  reserved_connections: -1\n  stress_command_timeout: 0s\n", [
            "sealgate.yaml:3:25: error: limits.reserved_connections: must be at least 0, got -1",
            "sealgate.yaml:4:27: error: limits.stress_command_timeout: must be at least 1s",
        ])
        check(smarthost + "limits: {command_timeout: 1m, stress_command_timeout: 2m, reserved_connections: many}\n", [
            "sealgate.yaml:2:55: error: limits.stress_command_timeout: 2m is longer than limits.command_timeout (1m); stress mode shortens the timeout",
            "sealgate.yaml:2:81: error: limits.reserved_connections: expected a whole number, got 'many'",
        ])
    }

    func testAllErrorsAreReportedInFileOrder() {
        let yaml = "log: {level: loud}\nhostnme: x\naudit: {store: \"postgres://db\"}\n"
        check(yaml, [
            "sealgate.yaml:1:14: error: log.level: 'loud' is not allowed; expected one of: trace, debug, info, notice, warning, error, critical",
            "sealgate.yaml:2:1: error: unknown key 'hostnme'; did you mean 'hostname'?",
            "sealgate.yaml:3:16: error: audit.store: 'postgres://db': no user (postgresql://USER@HOST/DB)",
        ])
    }
}

extension ConfigDiagnosticsTests {
    /// A self-signed test CA certificate (no key is kept): a valid `delivery.ca_file`.
    static let selfSignedPEM = """
    -----BEGIN CERTIFICATE-----
    MIIBlDCCATugAwIBAgIUKIjeWihzeBko2MrGCAC4GAKfmtQwCgYIKoZIzj0EAwIw
    HzEdMBsGA1UEAwwUU2VhbGdhdGVDb25maWdUZXN0Q0EwIBcNMjYxMjAyMTMzMzAy
    WhgPMjEyNjExMDgxMzMzMDJaMB8xHTAbBgNVBAMMFFNlYWxnYXRlQ29uZmlnVGVz
    dENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOyMuaMX66RuoBEXCBy/mN2nA
    QIYJl2Ia2xQYMSacpRmUvwr2LpHu4aV0TxM0E2hUJ4W5s8xPC1g2BtLJlKIKBqNT
    MFEwHQYDVR0OBBYEFOag54NuAv+9q/ZP+mD9n39VtLixMB8GA1UdIwQYMBaAFOag
    54NuAv+9q/ZP+mD9n39VtLixMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
    RwAwRAIgTVBtATo54hO8JRoqjWEs3pls7zBi32GEdkLZpMBrm64CIF0sMAdZ1vb9
    bPQFx5Np741fVQdbhAeTfUgTNv7wQ67e
    -----END CERTIFICATE-----
    """
}
