// check-config on `dkim.domains`: each domain's selector and key file are read; a key others
// may read, a missing one, a half-given second selector and a bad selector are each reported.
import Foundation
import XCTest
@testable import Gateway

final class DKIMConfigTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }

    /// Generates a key with keygen (0600) under certs/dkim/, returning its path relative to `dir`.
    private func key(_ selector: String, _ type: DKIMKeyType) throws -> String {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let result = try DKIMFacade(config: config, currentDirectory: dir).keygen(domain: "example.org", selector: selector,
                                                                                 type: type, out: nil)
        return String(result.keyPath.dropFirst(dir.count + 1))
    }

    func testDomainsWithOneAndTwoSelectorsLoad() throws {
        let rsa = try key("s2026", .rsa), ed = try key("e2026", .ed25519)
        let yaml = ConfigFixtures.minimal + """
        dkim:
          domains:
            Example.ORG: {selector: s2026, key: \(rsa), second_selector: e2026, second_key: \(ed)}
            example.net: {selector: s1, key: \(rsa)}

        """
        let config = try ConfigFixtures.config(yaml, in: dir)
        XCTAssertEqual(config.dkimDomains, [
            DKIMDomainConfig(domain: "example.org", selectors: [DKIMSelectorConfig(selector: "s2026", keyPath: dir + "/" + rsa),
                                                                DKIMSelectorConfig(selector: "e2026", keyPath: dir + "/" + ed)]),
            DKIMDomainConfig(domain: "example.net", selectors: [DKIMSelectorConfig(selector: "s1", keyPath: dir + "/" + rsa)]),
        ])
    }

    func testBadEntriesAreReportedAtTheirKeys() throws {
        let ed = try key("e1", .ed25519)
        let open = "certs/dkim/open.key"
        try FileManager.default.copyItem(atPath: dir + "/" + ed, toPath: dir + "/" + open)
        chmod(dir + "/" + open, 0o644)
        let yaml = ConfigFixtures.minimal + """
        dkim:
          domains:
            example.org: {selector: e1, key: \(open)}
            example.net: {selector: e1, key: certs/dkim/absent.key}
            example.com: {selector: "bad;sel", key: \(ed)}
            example.edu: {selector: e1, key: \(ed), second_selector: e2}
            "no domain": {selector: e1, key: \(ed)}
            example.info: {selector: e1, keyfile: \(ed)}

        """
        let diagnostics = ConfigFixtures.diagnostics(yaml, in: dir)
        XCTAssertEqual(diagnostics.count, 7, diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.hasPrefix("sealgate.yaml:4:38: error: dkim.domains.example.org.key: DKIM key certs/dkim/open.key: ")
            && $0.contains("mode 644") }, diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.hasPrefix("sealgate.yaml:5:38: error: dkim.domains.example.net.key: DKIM key: ")
            && $0.contains("no such file") }, diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains("sealgate.yaml:6:29: error: dkim.domains.example.com.selector: 'bad;sel' is not a selector (letters, digits, hyphens, dots)"),
                      diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.contains("dkim.domains.example.edu: second_selector and second_key go together") },
                      diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.hasPrefix("sealgate.yaml:8:5: error: dkim.domains: 'no domain' is not a domain name") },
                      diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.hasPrefix("sealgate.yaml:9:34: error: unknown key 'keyfile' in dkim.domains.example.info") },
                      diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.contains { $0.contains("dkim.domains.example.info: selector and key go together") },
                      diagnostics.joined(separator: "\n"))
    }
}
