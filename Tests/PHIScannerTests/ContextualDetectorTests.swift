// ContextualDetectorTests: detectors that need context or a dictionary: ICD-10, MRN (configurable),
// date of birth, phone numbers, health terms; plus the look-alike classes that must stay silent.

import MailCore
import TestSupport
import XCTest
@testable import PHIScanner

final class ContextualDetectorTests: XCTestCase {
    func testICD10NeedsClinicalContext() throws {
        XCTAssertEqual(try Fixture.samples("Dx: E11.9", .icd10), ["E**.*"])
        XCTAssertEqual(try Fixture.samples("ICD-10 S72.001A", .icd10), ["S**.****"])
        XCTAssertEqual(try Fixture.samples("diagnosis code I10", .icd10), ["I**"])
        XCTAssertEqual(try Fixture.samples("Room E11.9 is booked", .icd10), [])
        XCTAssertEqual(try Fixture.samples("Dx: U07.1", .icd10), [], "U is not an ICD-10-CM chapter letter")
        XCTAssertEqual(try Fixture.samples("diagnosis: low vitamin B12", .icd10), [])
    }

    func testMRN() throws {
        XCTAssertEqual(try Fixture.samples("MRN: 00482913", .mrn), ["****2913"])
        XCTAssertEqual(try Fixture.samples("Medical Record #: A1234567", .mrn), ["****4567"])
        XCTAssertEqual(try Fixture.samples("Chart # MR1234567", .mrn), ["*****4567"])
        XCTAssertEqual(try Fixture.samples("patient ID no. 7734512", .mrn), ["***4512"])
        XCTAssertEqual(try Fixture.samples("Ticket 00482913", .mrn), [], "no context word")
        XCTAssertEqual(try Fixture.samples("MRN: ABC12", .mrn), [], "too short")
        // The identifier is an MRN, not also an NPI.
        XCTAssertEqual(try Fixture.findings("MRN 1234567893").map(\.type), [.mrn])
    }

    func testDefaultMRNFastPathAgreesWithTheRegex() throws {
        var config = ScannerConfiguration.default
        config.mrnPattern = "(?:" + ScannerConfiguration.defaultMRNPattern + ")"   // same language, regex path
        let viaRegex = try PHIScanner(configuration: config, clock: Fixture.clock)
        for text in ["MRN: 00482913", "MRN A12345", "MRN AB1234", "MRN 123456789012", "MRN 1234567890123",
                     "MRN 12345", "MRN: x1y2z3w4v5", "MRN 00482913é", "MRN 004829-13", "chart # HX1234567."] {
            XCTAssertEqual(try Fixture.findings(text, .mrn), viaRegex.scan(text: text, part: "1").filter { $0.type == .mrn },
                           text)
        }
    }

    func testMRNIsConfigurable() throws {
        var config = ScannerConfiguration.default
        config.mrnContextWords = ["Hospital No"]
        config.mrnPattern = "[0-9]{2}-[0-9]{6}"
        let scanner = try PHIScanner(configuration: config, clock: Fixture.clock)
        XCTAssertEqual(scanner.scan(text: "Hospital No: 12-345678", part: "1").map(\.sample), ["*****5678"])
        XCTAssertEqual(scanner.scan(text: "MRN: 00482913", part: "1").filter { $0.type == .mrn }, [])
        config.mrnPattern = "[unclosed"
        XCTAssertThrowsError(try PHIScanner(configuration: config, clock: Fixture.clock))
    }

    func testDOB() throws {
        XCTAssertEqual(try Fixture.samples("DOB: 03/15/1984", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("Date of birth 1984-03-15", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("born March 3, 1984", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("D.O.B. 15.03.1984", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("born 3 March 1984", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("DOB 3/15/84", .dob), ["**/**/1984"])
        XCTAssertEqual(try Fixture.samples("Your appointment is on 03/15/2024", .dob), [])
        XCTAssertEqual(try Fixture.samples("DOB: 02/30/1984", .dob), [], "no such day")
        XCTAssertEqual(try Fixture.samples("DOB: 03/15/2999", .dob), [], "in the future")
        XCTAssertEqual(try Fixture.samples("DOB: 03/15/1984. Seen on 04/02/2024.", .dob), ["**/**/1984"],
                       "the visit date does not inherit the birth context")
        XCTAssertEqual(try Fixture.samples("Logged at 2024-03-15T10:22:33Z, DOB unknown", .dob), [])
    }

    /// "Today" comes from the scanner's clock: a birth date after it is implausible, and two-digit
    /// years pivot on its year.
    func testDOBPlausibilityFollowsTheInjectedClock() throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_780_315_200))   // 2026-06-01 12:00 UTC
        let scanner = try PHIScanner(clock: clock)
        func dob(_ text: String) -> [String] { scanner.scan(text: text, part: "1").filter { $0.type == .dob }.map(\.sample) }
        XCTAssertEqual(dob("DOB: 07/04/2026"), [], "a month in the future")
        XCTAssertEqual(dob("DOB 3/15/27"), ["**/**/1927"], "27 is above the pivot year 26")
        clock.advance(to: Date(timeIntervalSince1970: 1_783_252_800))   // 2026-07-05
        XCTAssertEqual(dob("DOB: 07/04/2026"), ["**/**/2026"], "yesterday is a plausible birth date")
        clock.advance(to: Date(timeIntervalSince1970: 1_811_851_200))   // 2027-06-01
        XCTAssertEqual(dob("DOB 3/15/27"), ["**/**/2027"], "the pivot moved with the clock's year")
        let message = Array("From: a@example.org\r\nSubject: intake\r\n\r\nDOB: 05/30/2027\r\n".utf8)
        XCTAssertEqual(scanner.scan(message: message).findings.filter { $0.type == .dob }.map(\.sample), ["**/**/2027"])
    }

    func testPhone() throws {
        for text in ["Phone: (415) 555-2671", "call 415-555-2671", "415.555.2671", "+1 415 555 2671",
                     "1-415-555-2671", "+1 (415) 555-2671", "cell 4155552671"] {
            XCTAssertEqual(try Fixture.samples(text, .phone), ["***-***-2671"], text)
        }
        XCTAssertEqual(try Fixture.samples("Call (123) 456-7890", .phone), [], "area code starts with 1")
        XCTAssertEqual(try Fixture.samples("Call 415-155-2671", .phone), [], "exchange starts with 1")
        XCTAssertEqual(try Fixture.samples("ref 4155552671", .phone), [], "bare 10 digits need context")
        XCTAssertEqual(try Fixture.samples("id 415-555-2671-99", .phone), [], "inside a longer identifier")
        let near = try XCTUnwrap(Fixture.findings("Phone: 415-555-2671", .phone).first)
        let bare = try XCTUnwrap(Fixture.findings("415-555-2671", .phone).first)
        XCTAssertGreaterThan(near.confidence, bare.confidence)
    }

    func testHealthTerms() throws {
        XCTAssertEqual(try Fixture.samples("Type 2 Diabetes Mellitus, on METFORMIN", .healthTerm),
                       ["[diagnosis]", "[drug]"])
        XCTAssertEqual(try Fixture.samples("HIV-positive; started chemotherapy", .healthTerm).sorted(),
                       ["[diagnosis]", "[procedure]"])
        XCTAssertEqual(try Fixture.samples("metformins and prediabetic", .healthTerm), [], "whole words only")
        XCTAssertEqual(try Fixture.samples("Crohn's disease", .healthTerm), ["[diagnosis]"])
    }

    func testExtraDictionary() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-terms-\(UUID()).txt").path
        try "# local additions\n[drug]\nzorbitol\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var config = ScannerConfiguration.default
        config.healthTermsFiles = [path]
        let scanner = try PHIScanner(configuration: config, clock: Fixture.clock)
        XCTAssertEqual(scanner.scan(text: "on Zorbitol 5 mg", part: "1").map(\.sample), ["[drug]"])
        config.healthTermsFiles = ["/nonexistent/terms.txt"]
        XCTAssertThrowsError(try PHIScanner(configuration: config, clock: Fixture.clock))
    }

    func testLookAlikesAreSilent() throws {
        let text = """
            Order #48213377 shipped; UPS tracking 1Z999AA10123456784; FedEx 774912345678901234.
            Ship to Springfield, MA 02115-3421. Update to version 10.0.19045 (v2.3.1, 1.2.3).
            ISBN 978-0-306-40615-7 and ISBN 9780306406157. Server 192.168.10.24 replied at 2024-03-15T10:22:33Z.
            Your appointment is on 03/15/2025 at 10:30. Invoice INV-2024-00123, account 1234-567890.
            Sent: March 3, 2024 1:05 PM. Confirmation number 1234567893. Ticket ID 219451234.
            """
        XCTAssertEqual(try Fixture.findings(text).map { "\($0.type) \($0.sample)" }, [])
    }
}
