// PortalSizeText: sizes on the pages in the config's decimal units, so the reply form says what
// `portal.reply.max_size` says; rounding to the nearest tenth of a MB, whole KB, bytes below that.
import XCTest
@testable import Portal

final class PortalSizeTextTests: XCTestCase {
    func testDecimalUnitsAsTheConfigMeansThem() {
        XCTAssertEqual(PortalSizeText.describe(10_000_000), "10 MB")
        XCTAssertEqual(PortalSizeText.describe(10 << 20), "10.5 MB")
        XCTAssertEqual(PortalSizeText.describe(1_549_999), "1.5 MB")
        XCTAssertEqual(PortalSizeText.describe(1_550_000), "1.6 MB")
        XCTAssertEqual(PortalSizeText.describe(999_999), "1000 KB")
        XCTAssertEqual(PortalSizeText.describe(1000), "1 KB")
        XCTAssertEqual(PortalSizeText.describe(999), "999 bytes")
        XCTAssertEqual(PortalSizeText.describe(1), "1 byte")
    }
}
