// The `admin:` config section: absent means no admin listener; `listen` required; the certificate
// defaults to the gateway's and is loaded at check time; the token file path; a clash with a
// listener; errors at file:line:col; a change is restart-only.
import Foundation
import XCTest
@testable import Gateway

final class AdminConfigTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try ConfigFixtures.scratchDirectory()
        let workbench = try EncryptionWorkbench(directory: dir)
        let identity = try workbench.certificate("admin", email: "admin@gw.example.test", ec: true)
        try FileManager.default.moveItem(atPath: identity.certPath, toPath: dir + "/certs/admin.pem")
        try FileManager.default.moveItem(atPath: identity.keyPath, toPath: dir + "/certs/admin.key")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private let head = ConfigFixtures.minimal + "hostname: gw.example.test\n"
    private let tls = "tls: {certificate: certs/admin.pem, key: certs/admin.key}"

    func testAbsentIsNoListenerAndTheTokenFileHasADefault() throws {
        let config = try ConfigFixtures.config(head, in: dir)
        XCTAssertNil(config.admin)
        XCTAssertEqual(config.adminTokensPath, dir + "/var/admin.tokens")
    }

    func testEveryKeyIsRead() throws {
        let config = try ConfigFixtures.config(head + "admin: {listen: \"127.0.0.3:9443\", \(tls), tokens_file: secret/tokens}\n", in: dir)
        let admin = try XCTUnwrap(config.admin)
        XCTAssertEqual(admin.host, "127.0.0.3")
        XCTAssertEqual(admin.port, 9443)
        XCTAssertEqual(admin.certificatePath, dir + "/certs/admin.pem")
        XCTAssertEqual(admin.keyPath, dir + "/certs/admin.key")
        XCTAssertEqual(config.adminTokensPath, dir + "/secret/tokens")
    }

    func testErrorsAtTheirPlace() {
        let missing = ConfigFixtures.diagnostics(head + "admin: {\(tls)}\n", in: dir)
        XCTAssertTrue(missing.first?.contains("sealgate.yaml:3:1: error: admin.listen: required") ?? false, missing.joined(separator: "\n"))
        // The fixture's gateway certificate is not PEM: the default pair is loaded and refused.
        let badCert = ConfigFixtures.diagnostics(head + "admin: {listen: \"127.0.0.1:9443\"}\n", in: dir)
        XCTAssertTrue(badCert.contains { $0.contains("admin.tls.certificate: cannot load") }, badCert.joined(separator: "\n"))
        let unknown = ConfigFixtures.diagnostics(head + "admin: {listen: \"127.0.0.1:9443\", \(tls), token_file: x}\n", in: dir)
        XCTAssertTrue(unknown.contains { $0.contains("token_file") }, unknown.joined(separator: "\n"))
        let clash = ConfigFixtures.diagnostics(head + "listeners: [{name: relay, address: \"127.0.0.1:2525\"}]\n"
                                               + "admin: {listen: \"127.0.0.1:2525\", \(tls)}\n", in: dir)
        XCTAssertTrue(clash.contains { $0.contains("admin.listen: 127.0.0.1:2525 is already the address of 'relay'") },
                      clash.joined(separator: "\n"))
    }

    func testAChangeNeedsARestart() throws {
        let a = try ConfigFixtures.config(head + "admin: {listen: \"127.0.0.1:9443\", \(tls)}\n", in: dir)
        let b = try ConfigFixtures.config(head + "admin: {listen: \"127.0.0.1:9444\", \(tls)}\n", in: dir)
        XCTAssertEqual(RestartOnlyKeys.changed(from: a, to: b), ["admin"])
        XCTAssertEqual(RestartOnlyKeys.changed(from: a, to: a), [])
    }
}
