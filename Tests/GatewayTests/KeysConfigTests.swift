// `keys.directory` and KeysFacade: the store defaults to certs/recipients beside the config file,
// a relative directory resolves against it, a bad section is reported, and the facade refuses in one line.
import Foundation
import XCTest
@testable import Gateway

final class KeysConfigTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }

    func testDirectoryDefaultsBesideTheConfigAndResolvesRelativeToIt() throws {
        XCTAssertEqual(try ConfigFixtures.config(ConfigFixtures.minimal, in: dir).keysDirectory, dir + "/certs/recipients")
        let config = try ConfigFixtures.config(ConfigFixtures.minimal + "keys: {directory: store/keys}\n", in: dir)
        XCTAssertEqual(config.keysDirectory, dir + "/store/keys")
        XCTAssertEqual(KeysFacade(config: config).directory, dir + "/store/keys")
        XCTAssertEqual(try ConfigFixtures.config(ConfigFixtures.minimal + "keys: {directory: /srv/keys}\n", in: dir).keysDirectory,
                       "/srv/keys")
    }

    func testBadKeysSectionIsReported() {
        let unknown = ConfigFixtures.diagnostics(ConfigFixtures.minimal + "keys: {directry: x}\n", in: dir)
        XCTAssertEqual(unknown.count, 1, unknown.joined(separator: "\n"))
        XCTAssertTrue(unknown.first?.contains("unknown key 'directry' in keys") ?? false && unknown.first?.contains("directory") ?? false, unknown.joined(separator: "\n"))
        let empty = ConfigFixtures.diagnostics(ConfigFixtures.minimal + "keys: {directory: \"\"}\n", in: dir)
        XCTAssertEqual(empty, ["sealgate.yaml:2:19: error: keys.directory: must not be empty"])
    }

    func testFacadeRefusesInOneLineAndListsNothingForAnEmptyStore() throws {
        let config = try ConfigFixtures.config(ConfigFixtures.minimal, in: dir)
        let facade = KeysFacade(config: config)
        XCTAssertEqual(try facade.list(), [])
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: dir + "/junk.txt"))
        XCTAssertThrowsError(try facade.importKey(path: "junk.txt", cipher: nil, currentDirectory: dir)) {
            XCTAssertEqual("\($0)", "not a key: neither a certificate (PEM or DER) nor an OpenPGP public key")
        }
        XCTAssertThrowsError(try facade.importKey(path: "junk.txt", cipher: "rc4", currentDirectory: dir)) {
            XCTAssertTrue($0 is InvalidInput)
        }
        XCTAssertThrowsError(try facade.show(address: "nobody@example.net")) {
            XCTAssertEqual("\($0)", "no key on file for nobody@example.net")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: config.keysDirectory))
    }
}
