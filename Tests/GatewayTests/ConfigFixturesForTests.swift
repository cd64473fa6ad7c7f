// Shared fixtures for the config tests: a scratch directory with the TLS files a starttls
// listener needs, the full example config from the issue, and a helper to collect diagnostics.
import Foundation
import XCTest
@testable import Gateway

enum ConfigFixtures {
    static let fullExample = """
    hostname: gw.example.test
    node_id: 1
    listeners:
      - {name: relay, address: "127.0.0.1:2525", tls: starttls, auth: optional}     # tls: none|starttls|implicit
      - {name: submission, address: "127.0.0.1:5587", tls: starttls, auth: required}
    relay: {trusted_networks: ["127.0.0.0/8", "::1/128"], normalize_bare_newline_networks: []}
    tls: {certificate: certs/gateway.pem, key: certs/gateway.key}
    spool: var/spool
    spool_key: certs/spool.keys
    delivery: {smarthost: "[127.0.0.1]:2526", retry: [1m, 5m, 15m, 30m], retry_after: 1h, max_lifetime: 5d, ca_file: null, connect_timeout: 30s}
    limits: {max_message_size: 36700160, max_recipients: 1000, max_connections: 200, max_connections_per_ip: 50, max_data_line_length: 65536, command_timeout: 5m, data_timeout: 10m}
    audit: {store: "sqlite:var/audit.sqlite"}
    control_socket: var/sealgate.sock
    log: {format: text, level: info}        # format: text|json
    policies: policies/
    users: certs/users
    dns: {resolver: "127.0.0.54:53", dnssec: trust-ad}

    """

    /// A fresh directory holding certs/gateway.pem and certs/gateway.key (contents irrelevant).
    static func scratchDirectory(withCerts: Bool = true) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/certs", withIntermediateDirectories: true)
        if withCerts {
            try Data("cert".utf8).write(to: URL(fileURLWithPath: dir + "/certs/gateway.pem"))
            try Data("key".utf8).write(to: URL(fileURLWithPath: dir + "/certs/gateway.key"))
        }
        return dir
    }

    /// Parses `yaml` as `<dir>/sealgate.yaml` and returns the rendered diagnostics (empty on success).
    static func diagnostics(_ yaml: String, in dir: String, now: Date = Date()) -> [String] {
        switch ConfigLoader.parse(yaml: yaml, path: dir + "/sealgate.yaml", now: now) {
        case .success: return []
        case .failure(let errors):
            return errors.diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
        }
    }

    static func config(_ yaml: String, in dir: String, now: Date = Date(), file: StaticString = #filePath,
                       line: UInt = #line) throws -> GatewayConfig {
        switch ConfigLoader.parse(yaml: yaml, path: dir + "/sealgate.yaml", now: now) {
        case .success(let config): return config
        case .failure(let errors):
            XCTFail("unexpected diagnostics:\n\(errors)", file: file, line: line)
            throw errors
        }
    }

    /// The smallest valid config body: a smarthost (required) and plain listeners need no certs.
    static let minimal = "delivery: {smarthost: \"[127.0.0.1]:2526\"}\n"
}
