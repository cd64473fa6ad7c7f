// The user store: add/verify/remove/list, the 0600 file and the refusal of a readable one,
// the hash format on disk (never the plaintext), and picking up changes made by another process.
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class UserStoreTests: XCTestCase {
    private var dir = ""
    private var path: String { dir + "/certs/users" }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-users-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: true) }

    /// Writes a users file directly, with a well-formed placeholder hash (no PBKDF2 cost).
    private func writeFixture(_ users: [(String, [String])]) throws {
        let fakeHash = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "="
        let file = UserFile(users: users.map { UserFile.Entry(name: $0.0, password: fakeHash, addresses: $0.1) })
        try SecureFile.atomicWrite(try file.encode(), to: path)
    }

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// One test for the slow path (three PBKDF2 runs at 600,000 rounds).
    func testAddVerifyWrongPasswordAndUnknownUser() throws {
        let store = try UserStore(path: path)
        try store.add(name: "alice", password: "correct horse", addresses: [try address("alice@example.test")])
        let record = try store.verify(name: "alice", password: "correct horse")
        XCTAssertEqual(record?.name, "alice")
        XCTAssertEqual(record?.addresses.map(\.description), ["alice@example.test"])
        XCTAssertNil(try store.verify(name: "alice", password: "correct horsE"))
        XCTAssertNil(try store.verify(name: "bob", password: "correct horse"))
        XCTAssertEqual(try mode(path), 0o600, "add creates the file 0600")
    }

    func testAddReplacesAUserAndStoresOnlyTheHashIn0600() throws {
        try writeFixture([("alice", ["old@example.test"]), ("bob", ["bob@example.test"])])
        let store = try UserStore(path: path)
        try store.add(name: "alice", password: "s3cret-Plaintext", addresses: [try address("alice@example.test")])
        XCTAssertEqual(try mode(path), 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains("s3cret-Plaintext"))
        let file = try UserFile.decode(Data(text.utf8), path: path)
        XCTAssertEqual(file.users.map(\.name), ["alice", "bob"])
        XCTAssertEqual(file.users.map(\.addresses), [["alice@example.test"], ["bob@example.test"]])
        let hash = try XCTUnwrap(file.users.first?.password)
        let parts = hash.split(separator: "$").map(String.init)
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[0], "pbkdf2-sha256")
        XCTAssertEqual(parts[1], "600000")
        XCTAssertEqual(Data(base64Encoded: parts[2])?.count, 16)
        XCTAssertEqual(Data(base64Encoded: parts[3])?.count, 32)
        XCTAssertTrue(try store.remove(name: "alice"))
        XCTAssertEqual(try mode(path), 0o600, "rewrites keep 0600")
    }

    func testRefusesAFileReadableByOthers() throws {
        try writeFixture([("alice", [])])
        let store = try UserStore(path: path)
        XCTAssertEqual(chmod(path, 0o644), 0)
        XCTAssertThrowsError(try store.list()) { error in
            XCTAssertEqual(error as? UserStoreError, .insecurePermissions(path: path, mode: 0o644))
            XCTAssertTrue("\(error)".contains("chmod 600 \(path)"), "\(error)")
        }
        XCTAssertThrowsError(try UserStore(path: path))
        XCTAssertThrowsError(try store.verify(name: "alice", password: "pw"))
    }

    func testListRemoveAndAddressesWithoutHashes() throws {
        let store = try UserStore(path: path)
        XCTAssertEqual(try store.list(), [], "no file yet means no users")
        try writeFixture([("zed", ["z@example.test", "ops@example.test"]), ("amy", ["amy@bücher.example"])])
        let listed = try store.list()
        XCTAssertEqual(listed.map(\.name), ["amy", "zed"])
        XCTAssertEqual(listed[0].addresses.map(\.description), ["amy@bücher.example"])
        XCTAssertEqual(listed[1].addresses.map(\.description), ["z@example.test", "ops@example.test"])
        XCTAssertTrue(try store.remove(name: "zed"))
        XCTAssertFalse(try store.remove(name: "zed"))
        XCTAssertEqual(try store.list().map(\.name), ["amy"])
    }

    func testChangesByAnotherStoreInstanceAreSeen() throws {
        let daemon = try UserStore(path: path)
        XCTAssertEqual(try daemon.list(), [])
        try writeFixture([("late", [])])
        XCTAssertEqual(try daemon.list().map(\.name), ["late"])
        let cli = try UserStore(path: path)
        XCTAssertTrue(try cli.remove(name: "late"))
        XCTAssertEqual(try daemon.list().map(\.name), [])
    }

    func testRejectsBadNamesAndEmptyPasswords() throws {
        let store = try UserStore(path: path)
        XCTAssertThrowsError(try store.add(name: "", password: "pw", addresses: []))
        XCTAssertThrowsError(try store.add(name: "two words", password: "pw", addresses: []))
        XCTAssertThrowsError(try store.add(name: "ok", password: "", addresses: [])) { error in
            XCTAssertEqual(error as? UserStoreError, .emptyPassword)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing was written")
    }

    func testMalformedFileIsAnErrorNotAnEmptyStore() throws {
        try FileManager.default.createDirectory(atPath: dir + "/certs", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("alice:plain\n".utf8),
                                                     attributes: [.posixPermissions: 0o600]))
        let store = try UserStore(path: path)
        XCTAssertThrowsError(try store.list()) { error in
            guard case .malformed = error as? UserStoreError else { return XCTFail("\(error)") }
        }
    }

    func testHashParsingRejectsWeakOrBrokenRecords() {
        XCTAssertNil(PasswordHash.parse("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "="))
        XCTAssertNil(PasswordHash.parse("plain"))
        XCTAssertNil(PasswordHash.parse("pbkdf2-sha1$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"))
        XCTAssertNotNil(PasswordHash.parse("pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "="))
        XCTAssertTrue(PasswordHash.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(PasswordHash.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(PasswordHash.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
