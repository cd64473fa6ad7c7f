// The `portal:` config section: defaults beside the config file, every key read, and each bad
// value reported at its file:line:col; the certificate and key are loaded at check time.
import Foundation
import MailCore
import Portal
import XCTest
@testable import Gateway

final class PortalConfigTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try ConfigFixtures.scratchDirectory()
        let workbench = try EncryptionWorkbench(directory: dir)
        let identity = try workbench.certificate("portal", email: "portal@gw.example.test", ec: true)
        try FileManager.default.moveItem(atPath: identity.certPath, toPath: dir + "/certs/portal.pem")
        try FileManager.default.moveItem(atPath: identity.keyPath, toPath: dir + "/certs/portal.key")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    let head = ConfigFixtures.minimal + "hostname: gw.example.test\n"
    /// The least a portal section needs.
    private let url = "base_url: \"https://portal.clinic.example\""

    func testNoSectionNoPortalAndASectionWithItsBaseURLTakesTheDefaults() throws {
        XCTAssertNil(try ConfigFixtures.config(head, in: dir).portal)
        let portal = try XCTUnwrap(try ConfigFixtures.config(head + "portal: {\(url)}\n", in: dir).portal)
        XCTAssertEqual(portal.host, "127.0.0.1")
        XCTAssertEqual(portal.port, 8443)
        XCTAssertEqual(portal.baseURL, "https://portal.clinic.example")
        XCTAssertEqual(portal.certificatePath, dir + "/certs/portal.pem")
        XCTAssertEqual(portal.storePath, dir + "/var/portal")
        XCTAssertEqual(portal.pepperPath, dir + "/var/portal.pepper")
        XCTAssertEqual(portal.organisation, "gw.example.test")
        XCTAssertEqual(portal.noticeFrom.description, "portal@gw.example.test")
        XCTAssertEqual(portal.codeLifetime, 900)
        XCTAssertEqual(portal.replyMaxSize, 10_000_000)
        XCTAssertNil(portal.templatesPath)
    }

    func testEveryKeyIsRead() throws {
        try FileManager.default.createDirectory(atPath: dir + "/look", withIntermediateDirectories: true)
        let yaml = head + """
        portal:
          listen: "127.0.0.2:9443"
          base_url: "https://portal.clinic.example/"
          tls: {certificate: certs/portal.pem, key: certs/portal.key}
          store: data/portal
          pepper_file: secret/pepper
          organisation: "Riverside Clinic"
          notice_from: secure@clinic.example
          templates: look
          password_cost: 12
          code_lifetime: 10m
          session_lifetime: 30m
          codes_per_hour: 3
          lockout: {failures: 4, duration: 2h}
          reply: {max_size: 5MB, max_attachments: 2}
          sweep_interval: 10m

        """
        let portal = try XCTUnwrap(try ConfigFixtures.config(yaml, in: dir).portal)
        XCTAssertEqual(portal.listenDescription, "127.0.0.2:9443")
        XCTAssertEqual(portal.baseURL, "https://portal.clinic.example")
        XCTAssertEqual(portal.storePath, dir + "/data/portal")
        XCTAssertEqual(portal.pepperPath, dir + "/secret/pepper")
        XCTAssertEqual(portal.organisation, "Riverside Clinic")
        XCTAssertEqual(portal.noticeFrom.description, "secure@clinic.example")
        XCTAssertEqual(portal.templatesPath, dir + "/look")
        XCTAssertEqual(portal.passwordCost, 12)
        XCTAssertEqual(portal.codeLifetime, 600)
        XCTAssertEqual(portal.sessionLifetime, 1800)
        XCTAssertEqual(portal.codesPerHour, 3)
        XCTAssertEqual(portal.lockoutFailures, 4)
        XCTAssertEqual(portal.lockoutDuration, 7200)
        XCTAssertEqual(portal.replyMaxSize, 5_000_000)
        XCTAssertEqual(portal.replyMaxAttachments, 2)
        XCTAssertEqual(portal.sweepInterval, 600)
    }

    func testTheBaseURLIsRequiredAndIsTheSiteRoot() throws {
        let missing = ConfigFixtures.diagnostics(head + "portal: {listen: \"0.0.0.0:443\"}\n", in: dir)
        XCTAssertEqual(missing.count, 1, missing.joined(separator: "\n"))
        XCTAssertTrue(missing.first?.contains("sealgate.yaml:3:1: error: portal.base_url: required") ?? false,
                      missing.joined(separator: "\n"))
        let path = ConfigFixtures.diagnostics(head + "portal: {base_url: \"https://clinic.example/portal\"}\n", in: dir)
        XCTAssertEqual(path.count, 1, path.joined(separator: "\n"))
        XCTAssertTrue(path.first?.contains("must be the site's root, without a path") ?? false, path.joined(separator: "\n"))
        for root in ["https://portal.clinic.example/", "https://portal.clinic.example:8443"] {
            let portal = try XCTUnwrap(try ConfigFixtures.config(head + "portal: {base_url: \"\(root)\"}\n", in: dir).portal)
            XCTAssertEqual(portal.baseURL, root.hasSuffix("/") ? String(root.dropLast()) : root)
        }
    }

    func testTheDefaultReplySizeShrinksToFitALoweredMessageLimitAndAnExplicitOneMustFit() throws {
        let lowered = head + "limits: {max_message_size: 10485760}\n"
        let portal = try XCTUnwrap(try ConfigFixtures.config(lowered + "portal: {\(url)}\n", in: dir).portal)
        XCTAssertLessThan(portal.replyMaxSize, 10_000_000, "the default must shrink under a 10 MiB message limit")
        XCTAssertGreaterThan(portal.replyMaxSize, 7_000_000, "and still allow what fits in base64")
        XCTAssertLessThanOrEqual(PortalMailComposer.encodedReplySize(upTo: portal.replyMaxSize, attachments: 5), 10485760)
        XCTAssertGreaterThan(PortalMailComposer.encodedReplySize(upTo: portal.replyMaxSize + 1, attachments: 5), 10485760,
                             "the largest size that fits, not just any")
        let explicit = ConfigFixtures.diagnostics(lowered + "portal: {\(url), reply: {max_size: 10MB}}\n", in: dir)
        XCTAssertEqual(explicit.count, 1, explicit.joined(separator: "\n"))
        XCTAssertTrue(explicit.first?.contains("portal.reply.max_size: 10000000 bytes is more than limits.max_message_size (10485760)") ?? false,
                      explicit.joined(separator: "\n"))
        XCTAssertTrue(ConfigFixtures.diagnostics(lowered + "portal: {\(url), reply: {max_size: 7MB}}\n", in: dir).isEmpty,
                      "7 MB fits 10 MiB in base64")
        let tiny = ConfigFixtures.diagnostics(head + "limits: {max_message_size: 8000}\nportal: {\(url)}\n", in: dir)
        XCTAssertTrue(tiny.contains { $0.contains("leaves no room for a portal reply") }, tiny.joined(separator: "\n"))
    }

    func testThePepperMayNotSitInsideTheStore() {
        let found = ConfigFixtures.diagnostics(head + "portal: {\(url), store: var/portal, pepper_file: var/portal/pepper}\n", in: dir)
        XCTAssertEqual(found.count, 1, found.joined(separator: "\n"))
        XCTAssertTrue(found.first?.contains("sealgate.yaml:3:85: error: portal.pepper_file: var/portal/pepper is inside portal.store (var/portal)") ?? false,
                      found.joined(separator: "\n"))
        XCTAssertTrue(ConfigFixtures.diagnostics(head + "portal: {\(url), store: var/portal, pepper_file: var/portal.pepper}\n",
                                                 in: dir).isEmpty, "a sibling of the store is fine")
    }

    func testBadValuesAreReportedAtTheirPlace() {
        func one(_ body: String) -> String {
            let lines = body.contains("base_url") ? body : "  \(url)\n" + body
            let found = ConfigFixtures.diagnostics(head + "portal:\n" + lines + "\n", in: dir)
            XCTAssertEqual(found.count, 1, found.joined(separator: "\n"))
            return found.first ?? ""
        }
        XCTAssertTrue(one("  base_url: \"http://portal.example\"").contains("sealgate.yaml:4:13: error: portal.base_url: 'http://portal.example' must use https"))
        XCTAssertTrue(one("  base_url: \"https://portal.example/?x=1\"").contains("must not have a query"))
        XCTAssertTrue(one("  listen: \"portal.example:443\"").contains("portal.listen: bad address"))
        XCTAssertTrue(one("  code_lifetime: 1h").contains("sealgate.yaml:5:18: error: portal.code_lifetime: must be from 60s to 900s"))
        XCTAssertTrue(one("  password_cost: 9").contains("portal.password_cost"))
        XCTAssertTrue(one("  notice_from: \"not an address\"").contains("portal.notice_from: 'not an address' is not a mail address"))
        XCTAssertTrue(one("  reply: {max_size: 1GB}").contains("more than limits.max_message_size"))
        XCTAssertTrue(one("  lockout: {failures: 0}").contains("portal.lockout.failures"))
        XCTAssertTrue(one("  organisation: \"\"").contains("portal.organisation: must not be empty"))
        XCTAssertTrue(one("  sesion_lifetime: 1m").contains("unknown key 'sesion_lifetime' in portal"))
        XCTAssertTrue(one("  tls: {certificate: certs/missing.pem}").contains("portal.tls.certificate: cannot load \(dir)/certs/missing.pem".replacingOccurrences(of: dir + "/", with: "")))
    }

    func testAGarbageKeyAndAListenerClashAreReported() throws {
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: dir + "/certs/bad.key"))
        let bad = ConfigFixtures.diagnostics(head + "portal: {\(url), tls: {key: certs/bad.key}}\n", in: dir)
        XCTAssertEqual(bad.count, 1, bad.joined(separator: "\n"))
        XCTAssertTrue(bad.first?.contains("portal.tls.key: cannot load") ?? false, bad.joined(separator: "\n"))
        let clash = ConfigFixtures.diagnostics(head + """
        listeners: [{name: relay, address: "127.0.0.1:2525", tls: none, auth: none}]
        portal: {listen: "127.0.0.1:2525", \(url)}

        """, in: dir)
        XCTAssertEqual(clash.count, 1, clash.joined(separator: "\n"))
        XCTAssertTrue(clash.first?.contains("portal.listen: 127.0.0.1:2525 is already the address of listener 'relay'") ?? false,
                      clash.joined(separator: "\n"))
        // A wildcard takes the port on every address.
        let wildcard = ConfigFixtures.diagnostics(head + """
        listeners: [{name: relay, address: "0.0.0.0:2525", tls: none, auth: none}]
        portal: {listen: "127.0.0.1:2525", \(url)}

        """, in: dir)
        XCTAssertEqual(wildcard.count, 1, wildcard.joined(separator: "\n"))
        XCTAssertTrue(wildcard.first?.contains("is already the address of listener 'relay'") ?? false, wildcard.joined(separator: "\n"))
        XCTAssertTrue(ConfigFixtures.diagnostics(head + """
        listeners: [{name: relay, address: "0.0.0.0:2525", tls: none, auth: none}]
        portal: {listen: "127.0.0.1:2526", \(url)}

        """, in: dir).isEmpty, "another port is fine")
    }

    func testAChangedPortalSectionNeedsARestart() throws {
        let before = try ConfigFixtures.config(head + "portal: {\(url)}\n", in: dir)
        let after = try ConfigFixtures.config(head + "portal: {\(url), organisation: \"Riverside Clinic\"}\n", in: dir)
        XCTAssertEqual(RestartOnlyKeys.changed(from: before, to: after), ["portal"])
        XCTAssertEqual(RestartOnlyKeys.changed(from: before, to: before), [])
        XCTAssertEqual(RestartOnlyKeys.changed(from: try ConfigFixtures.config(head, in: dir), to: before), ["portal"])
    }

    func testATemplateOverrideWithASyntaxErrorIsReported() throws {
        try FileManager.default.createDirectory(atPath: dir + "/look", withIntermediateDirectories: true)
        try Data("<main>{{#open}}never closed</main>".utf8).write(to: URL(fileURLWithPath: dir + "/look/pickup.mustache"))
        let found = ConfigFixtures.diagnostics(head + "portal: {\(url), templates: look}\n", in: dir)
        XCTAssertEqual(found.count, 1, found.joined(separator: "\n"))
        XCTAssertTrue(found.first?.contains("portal.templates:") ?? false, found.joined(separator: "\n"))
        XCTAssertTrue(found.first?.contains("pickup.mustache") ?? false, found.joined(separator: "\n"))
    }
}
