// ScanFacade: a configured scanner finds an SSN and renders it masked in both forms; a clean message
// says "no findings"; a scanner configuration that cannot be built is an error, not a silent default.
import XCTest
@testable import Gateway

final class ScanFacadeTests: XCTestCase {
    func testAnSSNIsReportedMaskedInTextAndJSON() throws {
        let scanner = try ScanFacade(config: try FacadeFixtures.config())
        let report = scanner.scan(FacadeFixtures.message(body: "Patient SSN: 219-45-1234"))
        XCTAssertEqual(report.findingCount, 1)
        XCTAssertTrue(report.text.hasPrefix("ssn\t***-**-1234\tpart 1\tconfidence "), report.text)
        XCTAssertTrue(report.json.hasPrefix("{\"findings\":[{\"type\":\"ssn\",\"sample\":\"***-**-1234\",\"part\":\"1\","), report.json)
        XCTAssertTrue(report.json.hasSuffix("}], \"uninspected\":[]}"), report.json)
        XCTAssertFalse(report.text.contains("219-45") || report.json.contains("219-45"), "the unmasked value leaked")
    }

    func testACleanMessageHasNoFindings() throws {
        let report = try ScanFacade(config: try FacadeFixtures.config()).scan(FacadeFixtures.message(body: "Lunch at noon?"))
        XCTAssertEqual(report.findingCount, 0)
        XCTAssertEqual(report.text, "no findings")
        XCTAssertEqual(report.json, "{\"findings\":[], \"uninspected\":[]}")
    }

    func testJSONStringsAreEscaped() {
        XCTAssertEqual(ScanRendering.quote("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"")
    }
}
