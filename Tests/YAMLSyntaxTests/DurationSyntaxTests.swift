// The shared duration syntax: one whole number and one of Postfix's units s m h d w, and every
// way a duration can be wrong.
import XCTest
@testable import YAMLSyntax

final class DurationSyntaxTests: XCTestCase {
    private func seconds(_ text: String) -> Double? { try? DurationSyntax.parse(text).get() }

    private func error(_ text: String) -> String? {
        guard case .failure(let e) = DurationSyntax.parse(text) else { return nil }
        return e.message
    }

    func testEachUnit() {
        XCTAssertEqual(seconds("30s"), 30)
        XCTAssertEqual(seconds("5m"), 300)
        XCTAssertEqual(seconds("1h"), 3_600)
        XCTAssertEqual(seconds("2d"), 172_800)
        XCTAssertEqual(seconds("1w"), 604_800)
        XCTAssertEqual(seconds("0s"), 0)
    }

    func testErrors() {
        let hint = DurationSyntax.hint
        XCTAssertEqual(error("5"), "bad duration '5': " + hint)
        XCTAssertEqual(error("m"), "bad duration 'm': " + hint)
        XCTAssertEqual(error("-5m"), "bad duration '-5m': a duration cannot be negative")
        XCTAssertEqual(error("5x"), "bad duration '5x': unknown unit 'x'; " + hint)
        XCTAssertEqual(error("5M"), "bad duration '5M': unknown unit 'M'; " + hint, "units are lower case, as in Postfix")
        XCTAssertEqual(error("1.5h"), "bad duration '1.5h': durations are whole numbers; " + hint)
        XCTAssertEqual(error("5 m"), "bad duration '5 m': no space between the number and its unit; " + hint)
        XCTAssertEqual(error("1h30m"), "bad duration '1h30m': one number and one unit only (write 90m, not 1h30m)")
        XCTAssertEqual(error("5300w"), "bad duration '5300w': longer than 100 years")
        XCTAssertEqual(error("99999999999999999999s"), "bad duration '99999999999999999999s': longer than 100 years")
        XCTAssertEqual(seconds("5200w"), 5_200 * 604_800, "just under 100 years is accepted")
    }
}
