// `shared_store` and `shared_store_password_file`: parsed as audit.store's URL, the password file
// resolved against the config's directory; bad URLs and a password file alone are file:line:col errors.
import Foundation
import XCTest
@testable import Gateway

final class SharedStoreConfigTests: XCTestCase {
    private var dir = ""
    private let smarthost = "delivery: {smarthost: \"[127.0.0.1]:2526\"}\n"

    override func setUpWithError() throws { dir = try ConfigFixtures.scratchDirectory() }

    func testUnsetMeansPerNodeFiles() throws {
        XCTAssertNil(try ConfigFixtures.config(smarthost, in: dir).sharedStore)
    }

    func testTheURLAndPasswordFileAreRead() throws {
        let yaml = smarthost + "shared_store: \"postgresql://gw@db.example:5433/shared?sslmode=require\"\n"
            + "shared_store_password_file: certs/shared.pw\n"
        let shared = try XCTUnwrap(try ConfigFixtures.config(yaml, in: dir).sharedStore)
        XCTAssertEqual(shared.location.user, "gw")
        XCTAssertEqual(shared.location.host, "db.example")
        XCTAssertEqual(shared.location.port, 5433)
        XCTAssertEqual(shared.location.database, "shared")
        XCTAssertEqual(shared.location.sslMode, .require)
        XCTAssertEqual(shared.passwordFile, dir + "/certs/shared.pw")
    }

    func testBadValuesAreDiagnosedAtTheirPosition() {
        XCTAssertEqual(ConfigFixtures.diagnostics(smarthost + "shared_store: \"postgresql://db/x\"\n", in: dir),
                       ["sealgate.yaml:2:15: error: shared_store: 'postgresql://db/x': no user (postgresql://USER@HOST/DB)"])
        XCTAssertEqual(ConfigFixtures.diagnostics(smarthost + "shared_store_password_file: x.pw\n", in: dir),
                       ["sealgate.yaml:2:29: error: shared_store_password_file: set only with shared_store"])
    }
}
