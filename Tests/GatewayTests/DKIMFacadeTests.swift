// DKIMFacade (`sealgate dkim keygen`): the key lands 0600 in certs/dkim/ (made 0700) beside the
// config file, an existing key is never overwritten, and bad names are usage errors.
import Foundation
import XCTest
@testable import Gateway

final class DKIMFacadeTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func testKeygenWritesPrivateKeyBesideTheConfigAndRefusesToOverwrite() throws {
        let config = try FacadeFixtures.config()
        let configDir = try XCTUnwrap(config.sourcePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        let facade = DKIMFacade(config: config, currentDirectory: "/nonexistent")
        let result = try facade.keygen(domain: "Example.ORG", selector: "S2026", type: .ed25519, out: nil)
        XCTAssertEqual(result.keyPath, configDir + "/certs/dkim/example.org.s2026.key")
        XCTAssertEqual(try mode(result.keyPath), 0o600)
        XCTAssertEqual(try mode(configDir + "/certs/dkim"), 0o700)
        XCTAssertTrue(try String(contentsOfFile: result.keyPath, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(result.txt.hasPrefix("v=DKIM1; k=ed25519; p="))
        XCTAssertEqual(result.zoneLine, "s2026._domainkey.example.org. IN TXT \"\(result.txt)\"")
        let before = try String(contentsOfFile: result.keyPath, encoding: .utf8)
        XCTAssertThrowsError(try facade.keygen(domain: "example.org", selector: "s2026", type: .rsa, out: nil)) { error in
            XCTAssertTrue("\(error)".contains("refusing to overwrite"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: result.keyPath, encoding: .utf8), before)
    }

    /// The write itself refuses what appeared after keygen's early check (no check-then-rename).
    func testTheKeyWriteNeverReplacesAFileOrSymlinkThatAppeared() throws {
        let dir = NSTemporaryDirectory() + "dkim-facade-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/k.key"
        try Data("other".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try DKIMFacade.writeNewKey(path, Array("new".utf8))) {
            XCTAssertTrue("\($0)".contains("refusing to overwrite"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "other")
        let link = dir + "/dangling.key"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir + "/target")
        XCTAssertThrowsError(try DKIMFacade.writeNewKey(link, Array("new".utf8)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/target"), "the key was written through a symlink")
        let fresh = dir + "/fresh.key"
        try DKIMFacade.writeNewKey(fresh, Array("new".utf8))
        XCTAssertEqual(try mode(fresh), 0o600)
        XCTAssertEqual(try String(contentsOfFile: fresh, encoding: .utf8), "new")
    }

    func testOutIsRelativeToTheCurrentDirectory() throws {
        let config = try FacadeFixtures.config()
        let dir = try XCTUnwrap(config.sourcePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
        let result = try DKIMFacade(config: config, currentDirectory: dir).keygen(domain: "example.org", selector: "r1", type: .rsa,
                                                                                out: "r1.key")
        XCTAssertEqual(result.keyPath, dir + "/r1.key")
        XCTAssertEqual(try mode(result.keyPath), 0o600)
        XCTAssertTrue(result.zoneLine.contains("\" \""), "an RSA record is split into strings: \(result.zoneLine)")
    }

    func testBadDomainOrSelectorIsInvalidInput() throws {
        let facade = DKIMFacade(config: try FacadeFixtures.config(), currentDirectory: "/")
        XCTAssertThrowsError(try facade.keygen(domain: "not a domain", selector: "s", type: .rsa, out: nil)) {
            XCTAssertEqual($0 as? InvalidInput, InvalidInput("bad domain not a domain"))
        }
        XCTAssertThrowsError(try facade.keygen(domain: "example.org", selector: "../x", type: .rsa, out: nil)) {
            XCTAssertTrue($0 is InvalidInput, "\($0)")
        }
    }
}
