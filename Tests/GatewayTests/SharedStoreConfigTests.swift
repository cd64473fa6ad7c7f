// `shared_store:` and `shared_store_password_file`: read like `audit.store`, and a `portal.store`
// directory beside a shared store is an error at its file:line:col.
import Audit
import Foundation
import XCTest
@testable import Gateway

extension PortalConfigTests {
    private var shared: String { "shared_store: \"postgresql://sealgate@db.example:5433/shared?sslmode=require\"\n" }

    func testSharedStoreIsUnsetByDefaultAndReadWithItsPasswordFile() throws {
        XCTAssertNil(try ConfigFixtures.config(head, in: dir).sharedStore)
        let config = try ConfigFixtures.config(head + shared + "shared_store_password_file: secret/shared.pw\n", in: dir)
        let store = try XCTUnwrap(config.sharedStore)
        XCTAssertEqual(store.location, PostgresLocation(user: "sealgate", host: "db.example", port: 5433, database: "shared",
                                                        sslMode: .require))
        XCTAssertEqual(store.passwordFile, dir + "/secret/shared.pw")
        XCTAssertNil(try ConfigFixtures.config(head + shared, in: dir).sharedStore?.passwordFile)
    }

    func testSharedStoreBadValuesAreReportedWhereTheyAre() {
        XCTAssertEqual(ConfigFixtures.diagnostics(head + "shared_store: \"postgresql://u:pw@db/x\"\n", in: dir),
                       ["sealgate.yaml:3:15: error: shared_store: 'postgresql://u:***@db/x': put the password in shared_store_password_file, not in the URL"])
        XCTAssertEqual(ConfigFixtures.diagnostics(head + "shared_store_password_file: x.pw\n", in: dir),
                       ["sealgate.yaml:3:29: error: shared_store_password_file needs shared_store: postgresql://…"])
        let both = ConfigFixtures.diagnostics(head + shared + "portal:\n  base_url: \"https://portal.clinic.example\"\n  store: var/p\n",
                                              in: dir)
        XCTAssertEqual(both, ["sealgate.yaml:6:10: error: portal.store: not with shared_store (the portal store is then the shared PostgreSQL); remove one"])
        XCTAssertTrue(ConfigFixtures.diagnostics(head + shared + "portal: {base_url: \"https://portal.clinic.example\"}\n", in: dir)
            .isEmpty, "the portal without a store directory is fine")
    }
}
