// The admin API's token file: a token is printed once and only its SHA-256 is kept (0600), list
// shows no secret, a removed token no longer authenticates, names are checked, duplicates refused.
import Foundation
import XCTest
@testable import Gateway

final class AdminTokenStoreTests: XCTestCase {
    private var dir = ""
    private var store: AdminTokenStore { AdminTokenStore(path: dir + "/var/admin.tokens") }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-tokens-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func testAddKeepsOnlyTheHashInA0600File() throws {
        let token = try store.add(name: "grafana", role: .read, now: Date(timeIntervalSince1970: 1_800_000_000))
        XCTAssertTrue(token.hasPrefix("sgt_"))
        // 32 random bytes in unpadded base64url: 43 characters, at least 128 bits.
        XCTAssertEqual(token.count, 4 + 43)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        XCTAssertFalse(text.contains(token))
        XCTAssertFalse(text.contains(String(token.dropFirst(4))))
        XCTAssertTrue(text.contains(AdminTokenStore.hash(token)))
        let mode = (try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)
        let listed = try store.list()
        XCTAssertEqual(listed.map(\.name), ["grafana"])
        XCTAssertEqual(listed.first?.role, .read)
        XCTAssertEqual(listed.first?.created, Date(timeIntervalSince1970: 1_800_000_000))
    }

    func testAuthenticateAndRemove() throws {
        let read = try store.add(name: "reader", role: .read, now: Date())
        let admin = try store.add(name: "ops", role: .admin, now: Date())
        XCTAssertNotEqual(read, admin)
        XCTAssertEqual(try store.authenticate(read)?.name, "reader")
        XCTAssertEqual(try store.authenticate(admin)?.role, .admin)
        XCTAssertNil(try store.authenticate(read + "x"))
        XCTAssertNil(try store.authenticate(""))
        XCTAssertTrue(try store.remove(name: "reader"))
        XCTAssertNil(try store.authenticate(read))
        XCTAssertFalse(try store.remove(name: "reader"))
        XCTAssertEqual(try store.authenticate(admin)?.name, "ops")
    }

    func testNamesAreCheckedAndUnique() throws {
        _ = try store.add(name: "ci-1.prod_x", role: .read, now: Date())
        XCTAssertThrowsError(try store.add(name: "ci-1.prod_x", role: .admin, now: Date())) {
            XCTAssertEqual($0 as? AdminTokenError, .exists("ci-1.prod_x"))
        }
        for bad in ["", "has space", "a/b", String(repeating: "x", count: 65)] {
            XCTAssertThrowsError(try store.add(name: bad, role: .read, now: Date()))
        }
    }

    func testAReadableFileIsRefused() throws {
        _ = try store.add(name: "a", role: .read, now: Date())
        chmod(store.path, 0o644)
        XCTAssertThrowsError(try store.list())
        XCTAssertThrowsError(try store.authenticate("sgt_x"))
    }

    func testRoles() {
        XCTAssertTrue(AdminRole.admin.allows(.admin))
        XCTAssertTrue(AdminRole.admin.allows(.read))
        XCTAssertTrue(AdminRole.read.allows(.read))
        XCTAssertFalse(AdminRole.read.allows(.admin))
    }
}
