// The `tls_reporting:` section: absent means no reports mailed; every key read; bad values at file:line:col
// (a From domain without a DKIM key among them); a change needs a restart.
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class TLSReportingConfigTests: XCTestCase {
    private var dir = ""
    private var head = ""
    override func setUpWithError() throws {
        dir = try ConfigFixtures.scratchDirectory()
        // Reports must be DKIM-signed (RFC 8460 §5.3): a key for both From domains the tests use.
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let key = try DKIMFacade(config: config, currentDirectory: dir).keygen(domain: "gw.example.test", selector: "t1",
                                                                               type: .ed25519, out: nil)
        let path = String(key.keyPath.dropFirst(dir.count + 1))
        head = ConfigFixtures.minimal + "hostname: gw.example.test\n"
            + "dkim: {domains: {gw.example.test: {selector: t1, key: \(path)}, clinic.example: {selector: t1, key: \(path)}}}\n"
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testAbsentDefaultsAndEveryKey() throws {
        XCTAssertNil(try ConfigFixtures.config(head, in: dir).tlsReporting)
        let defaults = try XCTUnwrap(try ConfigFixtures.config(head + "tls_reporting: {}\n", in: dir).tlsReporting)
        XCTAssertEqual(defaults.from.description, "tlsrpt@gw.example.test")
        XCTAssertNil(defaults.organisation)
        XCTAssertEqual(defaults.sendAfter, 3600)
        XCTAssertEqual(defaults.statePath, dir + "/var/tlsrpt.last")
        let all = try XCTUnwrap(try ConfigFixtures.config(head + """
        tls_reporting: {from: reports@clinic.example, organisation: "Riverside Clinic", contact: "mailto:tls@clinic.example",
                        send_after: 30m, state_file: state/tlsrpt}

        """, in: dir).tlsReporting)
        XCTAssertEqual(all.from.description, "reports@clinic.example")
        XCTAssertEqual(all.organisation, "Riverside Clinic")
        XCTAssertEqual(all.contact, "mailto:tls@clinic.example")
        XCTAssertEqual(all.sendAfter, 1800)
        XCTAssertEqual(all.statePath, dir + "/state/tlsrpt")
    }

    func testBadValuesAreReportedAtTheirPlace() {
        func one(_ body: String) -> String {
            let found = ConfigFixtures.diagnostics(head + "tls_reporting:\n" + body + "\n", in: dir)
            XCTAssertEqual(found.count, 1, found.joined(separator: "\n"))
            return found.first ?? ""
        }
        XCTAssertTrue(one("  from: \"not an address\"").contains("sealgate.yaml:5:9: error: tls_reporting.from: 'not an address' is not a mail address"))
        XCTAssertTrue(one("  from: tlsrpt@unsigned.example").contains(
            "sealgate.yaml:5:9: error: tls_reporting.from: tlsrpt@unsigned.example must be DKIM-signed (RFC 8460 §5.3): add unsigned.example to dkim.domains"))
        XCTAssertTrue(one("  send_after: 25h").contains("tls_reporting.send_after: must be from 0s to under 24h"))
        XCTAssertTrue(one("  organisation: \"\"").contains("tls_reporting.organisation: "))
        XCTAssertTrue(one("  contat: x").contains("unknown key 'contat' in tls_reporting"))
    }

    func testAChangeNeedsARestart() throws {
        let before = try ConfigFixtures.config(head + "tls_reporting: {}\n", in: dir)
        let after = try ConfigFixtures.config(head + "tls_reporting: {send_after: 2h}\n", in: dir)
        XCTAssertEqual(RestartOnlyKeys.changed(from: before, to: after), ["tls_reporting"])
    }
}
