// policy explain's ladder lines: with an S/MIME certificate made by openssl on file for one recipient
// and none for another, the first shows smime usable (openssl's fingerprint), the second "no certificate".
import Foundation
import XCTest
@testable import Gateway

final class PolicyExplainLadderTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try ConfigFixtures.scratchDirectory()
    }

    /// Runs openssl in the scratch directory; fails the test (throws) when it exits non-zero.
    @discardableResult
    private func openssl(_ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + args
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NSError(domain: "openssl \(args.first ?? "")", code: Int(process.terminationStatus)) }
        return String(decoding: data, as: UTF8.self)
    }

    /// A P-256 certificate for `email` from a throwaway CA; returns its file name and openssl's SHA-256 fingerprint.
    private func certificate(for email: String) throws -> (file: String, fingerprint: String) {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                     "-subj", "/CN=Test CA"])
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "r.key",
                     "-out", "r.csr", "-subj", "/CN=Recipient"])
        try "keyUsage=critical,keyEncipherment,keyAgreement\nextendedKeyUsage=emailProtection\nsubjectAltName=email:\(email)\n"
            .write(toFile: dir + "/r.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "r.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "4242", "-days", "30",
                     "-extfile", "r.ext", "-out", "r.pem"])
        let line = try openssl(["x509", "-in", "r.pem", "-noout", "-fingerprint", "-sha256"])
        let hex = (line.split(separator: "=").last.map(String.init) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return ("r.pem", hex.replacingOccurrences(of: ":", with: "").lowercased())
    }

    private func policy(_ yaml: String) throws -> PolicyFacade {
        let policies = dir + "/explain-policies"
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: policies + "/10-rules.yaml"))
        return try XCTUnwrap(PolicyFacade.load(directory: policies).policy)
    }

    private let rules = """
        rules:
          - name: no-freemail
            when: {recipient_domain: [gmail.com]}
            reject: "550 5.7.1 not to free-mail"
          - name: all
            deliver: {tls: verify, methods: [smime, pgp, tls, portal], otherwise: defer}

        """

    func testTheRecipientWithACertificateShowsSMIMEUsableAndTheOtherNone() throws {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let cert = try certificate(for: "bob@partner.example")
        _ = try KeysFacade(config: config).importKey(path: cert.file, cipher: nil, currentDirectory: dir)
        let facade = try policy(rules)
        let envelope = try ExplainEnvelope(from: "a@example.org", to: ["bob@partner.example", "carol@partner.example", "pat@gmail.com"])
        let message = FacadeFixtures.message(body: "hello")
        let scanner = try ScanFacade(config: config)
        let id = "sha256:" + cert.fingerprint.prefix(16)

        let plain = facade.explain(message: message, envelope: envelope, authenticatedUser: nil, clientIP: nil, overTLS: false,
                                   scanner: scanner, json: false)
        let text = facade.explain(message: message, envelope: envelope, authenticatedUser: nil, clientIP: nil, overTLS: false,
                                  scanner: scanner, json: false, keysDirectory: config.keysDirectory)
        let bob = "     ladder: smime: certificate \(id) on file; pgp: no key on file; tls: decided at connect time; "
            + "portal: not configured; otherwise: defer\n"
        let carol = "     ladder: smime: no certificate on file; pgp: no key on file; tls: decided at connect time; "
            + "portal: not configured; otherwise: defer\n"
        XCTAssertTrue(text.contains("  => deliver, by 10-rules.yaml:5 all\n     requirement: tls verify\n"
            + "     methods: smime, pgp, tls, portal; otherwise defer\n" + bob + "\nRecipient carol@partner.example\n"), text)
        XCTAssertTrue(text.contains("     methods: smime, pgp, tls, portal; otherwise defer\n" + carol + "\nRecipient pat@gmail.com\n"), text)
        XCTAssertEqual(text.components(separatedBy: "ladder:").count, 3, "a rejected recipient has no ladder: \(text)")
        // The existing lines are unchanged: removing the ladder lines gives the output without a key store.
        XCTAssertEqual(text.replacingOccurrences(of: bob, with: "").replacingOccurrences(of: carol, with: ""), plain)

        let json = facade.explain(message: message, envelope: envelope, authenticatedUser: nil, clientIP: nil, overTLS: false,
                                  scanner: scanner, json: true, keysDirectory: config.keysDirectory)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(object["recipients"] as? [[String: Any]])
        XCTAssertEqual(entries.count, 3)
        XCTAssertEqual(entries[0]["ladder"] as? [String], ["smime: certificate \(id) on file", "pgp: no key on file",
                                                          "tls: decided at connect time", "portal: not configured", "otherwise: defer"])
        XCTAssertEqual((entries[1]["ladder"] as? [String])?.first, "smime: no certificate on file")
        XCTAssertNil(entries[2]["ladder"], "a rejected recipient has no ladder")
    }

    func testWithAPortalConfiguredThePortalRungIsAvailable() throws {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let text = try policy(rules).explain(message: FacadeFixtures.message(body: "hello"),
                                             envelope: try ExplainEnvelope(from: "a@example.org", to: ["carol@partner.example"]),
                                             authenticatedUser: nil, clientIP: nil, overTLS: false, scanner: try ScanFacade(config: config),
                                             json: false, keysDirectory: config.keysDirectory, portalConfigured: true)
        XCTAssertTrue(text.contains("tls: decided at connect time; portal: "), text)
        XCTAssertFalse(text.contains("portal: not configured"), text)
    }

    func testACertificatePastItsEndIsExpiredWithItsDay() throws {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let cert = try certificate(for: "bob@partner.example")
        _ = try KeysFacade(config: config).importKey(path: cert.file, cipher: nil, currentDirectory: dir)
        let end = try openssl(["x509", "-in", "r.pem", "-noout", "-enddate", "-dateopt", "iso_8601"])
        let day = String(try XCTUnwrap(end.split(separator: "=").last).prefix(10))
        let text = try policy(rules).explain(message: FacadeFixtures.message(body: "hello"),
                                             envelope: try ExplainEnvelope(from: "a@example.org", to: ["bob@partner.example"]),
                                             authenticatedUser: nil, clientIP: nil, overTLS: false, scanner: try ScanFacade(config: config),
                                             json: false, keysDirectory: config.keysDirectory, now: Date().addingTimeInterval(60 * 86_400))
        XCTAssertTrue(text.contains("     ladder: smime: certificate sha256:\(cert.fingerprint.prefix(16)) expired \(day); pgp: no key on file;"),
                      text)
    }

    func testADamagedKeyFileIsUnusableAndAKeyPolicyLeavesOutIsNotAllowed() throws {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let cert = try certificate(for: "bob@partner.example")
        _ = try KeysFacade(config: config).importKey(path: cert.file, cipher: nil, currentDirectory: dir)
        let envelope = try ExplainEnvelope(from: "a@example.org", to: ["bob@partner.example"])
        let tlsOnly = try policy("rules:\n  - name: tls-only\n    deliver: {tls: verify, methods: [tls], otherwise: bounce}\n")
        let text = tlsOnly.explain(message: FacadeFixtures.message(body: "hello"), envelope: envelope, authenticatedUser: nil,
                                   clientIP: nil, overTLS: false, scanner: try ScanFacade(config: config), json: false,
                                   keysDirectory: config.keysDirectory)
        XCTAssertTrue(text.hasSuffix("     ladder: smime: not allowed by policy (certificate on file); tls: decided at connect time; "
            + "otherwise: bounce\n"), text)

        try Data("swapped".utf8).write(to: URL(fileURLWithPath: config.keysDirectory + "/\(cert.fingerprint).smime.der"))
        let damaged = try policy(rules).explain(message: FacadeFixtures.message(body: "hello"), envelope: envelope,
                                                authenticatedUser: nil, clientIP: nil, overTLS: false,
                                                scanner: try ScanFacade(config: config), json: false, keysDirectory: config.keysDirectory)
        XCTAssertTrue(damaged.contains("     ladder: smime: certificate unusable (certificate \(cert.fingerprint): key file does not match "
            + "its fingerprint); pgp: no key on file;"), damaged)
    }
}
