// check-config on `smime:` and `pgp:`: signing certificates, keys and chains are read and checked
// (present, 0600, parse, match, valid now), ciphers are known; each problem at its file:line:col.
import Foundation
import Logging
import MessageCrypto
import XCTest
@testable import Gateway

final class SigningConfigTests: XCTestCase {
    private static var gpgShared: GPGWorkbench?
    private var bench: EncryptionWorkbench!
    private var dir: String { bench.dir }

    override func setUpWithError() throws {
        if Self.gpgShared == nil { Self.gpgShared = try GPGWorkbench() }
        bench = try EncryptionWorkbench(directory: try ConfigFixtures.scratchDirectory())
        let gpg = try XCTUnwrap(Self.gpgShared)
        _ = try bench.certificate("org", email: "postmaster@example.org", signing: true)  // org.pem, org.key
        _ = try bench.certificate("chain", email: "ca@example.org", signing: true)
        _ = try bench.certificate("other", email: "other@example.org", signing: true)
        _ = try bench.write(try gpg.export(gpg.organisation, secret: true), "org.sec.asc")
        _ = try bench.write(try gpg.export(gpg.organisation, secret: true), "open.sec.asc", mode: 0o644)
        _ = try bench.write(try gpg.export(gpg.organisation, secret: false), "org.pub.asc")
        _ = try bench.write(try bench.bytes(dir + "/org.key"), "open.key", mode: 0o644)
    }

    override func tearDown() { bench.remove() }
    override class func tearDown() { gpgShared?.remove(); gpgShared = nil }

    private static let good = ConfigFixtures.minimal + """
    smime:
      signing:
        Example.ORG: {certificate: org.pem, key: org.key, chain: chain.pem}
      ciphers: {partner.example: aes-256-gcm, Other.Example: AES-256-CBC}
    pgp:
      signing:
        example.org: {key: org.sec.asc}

    """

    func testGoodConfigLoadsAndTheFactoryReadsTheKeys() throws {
        let config = try ConfigFixtures.config(Self.good, in: dir)
        XCTAssertEqual(config.smimeSigning, [SMIMESigningConfig(domain: "example.org", certificatePath: dir + "/org.pem",
                                                                keyPath: dir + "/org.key", chainPath: dir + "/chain.pem")])
        XCTAssertEqual(config.smimeDomainCiphers, ["partner.example": .aes256GCM, "other.example": .aes256CBC])
        XCTAssertEqual(config.pgpSigning, [PGPSigningConfig(domain: "example.org", keyPath: dir + "/org.sec.asc")])

        let service = try RecipientEncryptionService(config: config, logger: Logger(label: "test"))
        XCTAssertTrue(service.signing.smime["example.org"]?.subject.contains("CN=org") ?? false)
        XCTAssertEqual(service.signing.pgp["example.org"]?.fingerprint, Self.gpgShared?.organisation)
        XCTAssertEqual(service.domainCiphers, config.smimeDomainCiphers)
        XCTAssertEqual(service.store.directory, config.keysDirectory)
        // Changing them is for a restart (the service reads the keys once).
        var changed = config
        changed.smimeDomainCiphers = [:]
        changed.pgpSigning = []
        XCTAssertEqual(RestartOnlyKeys.changed(from: config, to: changed), ["smime", "pgp"])
    }

    func testCertificateNotValidAtLoadIsReported() throws {
        let later = Date().addingTimeInterval(40 * 86400)
        let diagnostics = ConfigFixtures.diagnostics(Self.good, in: dir, now: later)
        XCTAssertEqual(diagnostics.count, 1, diagnostics.joined(separator: "\n"))
        XCTAssertTrue(diagnostics.first?.hasPrefix("sealgate.yaml:4:32: error: smime.signing.Example.ORG.certificate: org.pem: certificate expired 20") ?? false,
                      diagnostics.joined(separator: "\n"))
    }

    func testEachBadEntryIsReportedAtItsKey() {
        let yaml = ConfigFixtures.minimal + """
        smime:
          signing:
            example.org: {certificate: absent.pem, key: org.key}
            example.net: {certificate: org.pem, key: open.key}
            example.com: {certficate: org.pem, key: org.key}
            example.edu: {certificate: org.pem, key: other.key}
            example.info: {certificate: org.pem, key: org.key, chain: org.key}
          ciphers: {partner.example: aes-256-gcn}
        pgp:
          signing:
            example.org: {key: open.sec.asc}
            example.net: {key: org.pub.asc}

        """
        let diagnostics = ConfigFixtures.diagnostics(yaml, in: dir)
        let all = diagnostics.joined(separator: "\n")
        let expected = [
            "sealgate.yaml:4:32: error: smime.signing.example.org.certificate: absent.pem: no such file",
            "sealgate.yaml:5:46: error: smime.signing.example.net.key: open.key: group or others may access it (mode 644); refusing to use it; chmod 600 it",
            "sealgate.yaml:6:18: error: smime.signing.example.com: certificate is required",
            "sealgate.yaml:6:19: error: unknown key 'certficate' in smime.signing.example.com; did you mean 'certificate'?",
            "sealgate.yaml:7:46: error: smime.signing.example.edu.key: other.key: S/MIME: signing certificate or key unusable: the key does not match the certificate",
            "sealgate.yaml:8:63: error: smime.signing.example.info.chain: org.key: block 1 is not an X.509 certificate",
            "sealgate.yaml:9:30: error: smime.ciphers.partner.example: unknown cipher 'aes-256-gcn'; expected one of: aes-256-cbc, aes-256-gcm; did you mean 'aes-256-gcm'?",
            "sealgate.yaml:12:24: error: pgp.signing.example.org.key: open.sec.asc: group or others may access it (mode 644); refusing to use it; chmod 600 it",
            "sealgate.yaml:13:24: error: pgp.signing.example.net.key: org.pub.asc: pgp: not a usable signing key: found public key data, not a secret key",
        ]
        XCTAssertEqual(diagnostics, expected, all)
    }

    func testUnknownSectionKeysAreSuggested() {
        XCTAssertEqual(ConfigFixtures.diagnostics(ConfigFixtures.minimal + "smime: {cipher: {a.example: aes-256-gcm}}\n", in: dir),
                       ["sealgate.yaml:2:9: error: unknown key 'cipher' in smime; did you mean 'ciphers'?"])
        XCTAssertEqual(ConfigFixtures.diagnostics(ConfigFixtures.minimal + "pgp: {signin: {}}\n", in: dir),
                       ["sealgate.yaml:2:7: error: unknown key 'signin' in pgp; did you mean 'signing'?"])
        let twice = "pgp: {signing: {example.org: {key: org.sec.asc}, Example.org: {key: org.sec.asc}}}\n"
        XCTAssertEqual(ConfigFixtures.diagnostics(ConfigFixtures.minimal + twice, in: dir),
                       ["sealgate.yaml:2:50: error: pgp.signing: 'Example.org' is listed twice (domains are compared as lower-case A-labels)"])
    }
}
