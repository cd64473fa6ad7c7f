// `policy explain --probe` through PolicyFacade: recipients not delivered to, or decided by a key
// rung, need no measurement, so nothing is probed and the trace is explain's own; a choice line follows.
import Foundation
import XCTest
@testable import Gateway

final class PolicyExplainProbeTests: XCTestCase {
    private func policy(_ yaml: String) throws -> PolicyFacade {
        let dir = try ConfigFixtures.scratchDirectory() + "/probe-policies"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/10-rules.yaml"))
        return try XCTUnwrap(PolicyFacade.load(directory: dir).policy)
    }

    func testNothingToMeasureProbesNothingAndKeepsTheTrace() async throws {
        // No DNS resolver answers on this address: a probe would fail the explain.
        let config = try FacadeFixtures.config(extra: "dns: {resolver: \"127.0.0.1:9\"}\n")
        let policy = try policy("""
            rules:
              - name: freemail
                when: {recipient_domain: [gmail.com]}
                reject: "550 5.7.1 not to free-mail"
              - name: portal-only
                deliver: {methods: [portal], otherwise: bounce}

            """)
        let envelope = try ExplainEnvelope(from: "a@example.org", to: ["x@gmail.com", "b@partner.example"])
        let message = FacadeFixtures.message(body: "hello")
        let scanner = try ScanFacade(config: config)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        for json in [false, true] {
            let plain = policy.explain(message: message, envelope: envelope, authenticatedUser: nil, clientIP: nil, overTLS: false,
                                       scanner: scanner, json: json, keysDirectory: config.keysDirectory, now: now)
            let probed = try await policy.explain(message: message, envelope: envelope, authenticatedUser: nil, clientIP: nil,
                                                  overTLS: false, scanner: scanner, json: json,
                                                  keysDirectory: config.keysDirectory, now: now, probing: config, port: nil)
            if json {
                let entries = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(probed.utf8)) as? [String: Any])?["recipients"]
                    as? [[String: Any]])
                XCTAssertNil(entries[0]["choice"], "a rejected recipient has no ladder")
                let choice = try XCTUnwrap(entries[1]["choice"] as? [String: Any])
                XCTAssertEqual(choice["outcome"] as? String, "bounced")
                XCTAssertNil(entries[1]["tls_measured"])
                XCTAssertEqual(entries[1]["ladder"] as? [String], ["portal: not configured", "otherwise: bounce"])
            } else {
                XCTAssertEqual(probed, plain + "     choice: method=none; outcome=bounced (otherwise: bounce); skipped: portal: not configured\n")
            }
        }
    }
}
