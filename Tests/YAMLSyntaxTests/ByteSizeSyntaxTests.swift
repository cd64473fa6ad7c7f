// The shared size syntax: plain bytes, decimal units (powers of 1000), binary units (powers of
// 1024), the optional space, case, and every way a size can be wrong.
import XCTest
@testable import YAMLSyntax

final class ByteSizeSyntaxTests: XCTestCase {
    private func size(_ text: String) -> Int? { try? ByteSizeSyntax.parse(text).get() }

    private func error(_ text: String) -> String? {
        guard case .failure(let e) = ByteSizeSyntax.parse(text) else { return nil }
        return e.message
    }

    func testPlainBytes() {
        XCTAssertEqual(size("1048576"), 1_048_576)
        XCTAssertEqual(size("0"), 0)
        XCTAssertEqual(size("512B"), 512)
    }

    func testDecimalUnitsArePowersOf1000() {
        XCTAssertEqual(size("10KB"), 10_000)
        XCTAssertEqual(size("10MB"), 10_000_000)
        XCTAssertEqual(size("10GB"), 10_000_000_000)
    }

    func testBinaryUnitsArePowersOf1024() {
        XCTAssertEqual(size("10KiB"), 10_240)
        XCTAssertEqual(size("10MiB"), 10_485_760)
        XCTAssertEqual(size("35MiB"), 36_700_160)
        XCTAssertEqual(size("1GiB"), 1_073_741_824)
    }

    func testOneSpaceMaySeparateTheUnit() {
        XCTAssertEqual(size("10 MiB"), 10_485_760)
        XCTAssertEqual(size("10 MB"), 10_000_000)
        XCTAssertNil(size("10  MB"), "two spaces")
        XCTAssertNil(size(" 10MB"))
    }

    func testUnitCaseIsFreeButMBIsNeverMiB() {
        XCTAssertEqual(size("10mb"), 10_000_000)
        XCTAssertEqual(size("10Mb"), 10_000_000)
        XCTAssertEqual(size("10mib"), 10_485_760)
        XCTAssertEqual(size("10MIB"), 10_485_760)
        XCTAssertNotEqual(size("10MB"), size("10MiB"))
    }

    func testBareLetterIsAmbiguous() {
        XCTAssertEqual(error("10 M"), "bad size '10 M': 'M' alone is ambiguous: write MB (powers of 1000) or MiB (powers of 1024)")
        XCTAssertEqual(error("64k"), "bad size '64k': 'k' alone is ambiguous: write KB (powers of 1000) or KiB (powers of 1024)")
    }

    func testErrors() {
        XCTAssertEqual(error("-1MB"), "bad size '-1MB': a size cannot be negative")
        XCTAssertEqual(error("9223372036854775807KB"), "bad size '9223372036854775807KB': the number is too large")
        XCTAssertEqual(error("99999999999999999999"), "bad size '99999999999999999999': the number is too large")
        XCTAssertEqual(size("9223372036854775807"), Int.max, "the largest plain number still fits")
        XCTAssertEqual(error("10XB"), "bad size '10XB': unknown unit 'XB'; " + ByteSizeSyntax.hint)
        XCTAssertEqual(error("10TB"), "bad size '10TB': unknown unit 'TB'; " + ByteSizeSyntax.hint)
        XCTAssertEqual(error("1.5MiB"), "bad size '1.5MiB': sizes are whole numbers; " + ByteSizeSyntax.hint)
        XCTAssertEqual(error("MiB"), "bad size 'MiB': " + ByteSizeSyntax.hint)
        XCTAssertEqual(error(""), "bad size '': " + ByteSizeSyntax.hint)
    }
}
