// UserFacade: sender addresses parse (UTF-8 allowed) or fail as InvalidInput naming the address;
// add, list (name<TAB>addresses) and remove go through the users file the configuration names.
import XCTest
@testable import Gateway

final class UserFacadeTests: XCTestCase {
    func testAddListRemove() throws {
        let users = UserFacade(config: try FacadeFixtures.config())
        let addresses = try SenderAddresses(["alice@example.test", "älice@exämple.test"])
        XCTAssertEqual(addresses.count, 2)
        try users.add(name: "alice", password: "correct horse", addresses: addresses)
        XCTAssertEqual(try users.listLines(), ["alice\talice@example.test,älice@exämple.test"])
        XCTAssertFalse(try users.remove(name: "bob"))
        XCTAssertTrue(try users.remove(name: "alice"))
        XCTAssertEqual(try users.listLines(), [])
    }

    func testABadAddressIsNamed() {
        XCTAssertThrowsError(try SenderAddresses(["ok@example.test", "no at sign"])) { error in
            XCTAssertTrue((error as? InvalidInput)?.description.hasPrefix("bad address no at sign: ") == true, "\(error)")
        }
    }
}
