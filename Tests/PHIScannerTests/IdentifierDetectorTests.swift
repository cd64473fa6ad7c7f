// IdentifierDetectorTests: SSN, NPI, DEA, MBI and credit-card detection: valid and invalid numbers,
// context raising confidence, look-alikes that must not be reported, obfuscation after decoding.

import MailCore
import XCTest
@testable import PHIScanner

final class IdentifierDetectorTests: XCTestCase {
    func testSSNFormatsAndContext() throws {
        XCTAssertEqual(try Fixture.samples("SSN: 123-45-6789", .ssn), ["***-**-6789"])
        XCTAssertEqual(try Fixture.samples("social security 219 45 1234", .ssn), ["***-**-1234"])
        XCTAssertEqual(try Fixture.samples("SS# 219451234", .ssn), ["***-**-1234"])
        let withContext = try Fixture.findings("SSN 219-45-1234", .ssn)
        let without = try Fixture.findings("see 219-45-1234 here", .ssn)
        XCTAssertGreaterThan(try XCTUnwrap(withContext.first).confidence, try XCTUnwrap(without.first).confidence)
    }

    func testSSNRejectsInvalidRangesAndPublishedNumbers() throws {
        for bad in ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
                    "078-05-1120", "219-09-9999"] {
            XCTAssertEqual(try Fixture.samples("SSN: \(bad)", .ssn), [], bad)
        }
    }

    func testBareNineDigitsNeedContext() throws {
        XCTAssertEqual(try Fixture.samples("Ticket 219451234 closed", .ssn), [])
        XCTAssertEqual(try Fixture.samples("ZIP 02115-3421", .ssn), [])
        XCTAssertEqual(try Fixture.samples("ref 123-45-6789-01", .ssn), [], "part of a longer identifier")
        XCTAssertEqual(try Fixture.samples("x123-45-6789", .ssn), [])
    }

    func testSSNAfterHTMLDecoding() throws {
        // MIME's HTML extraction turns 123&#45;45&#45;6789 and <b>123</b>-45-6789 into this text.
        XCTAssertEqual(try Fixture.samples("SSN 123-45-6789", .ssn), ["***-**-6789"])
    }

    func testNPI() throws {
        XCTAssertEqual(try Fixture.samples("NPI: 1234567893", .npi), ["******7893"])
        XCTAssertEqual(try Fixture.samples("NPI: 1234567890", .npi), [], "bad check digit")
        XCTAssertEqual(try Fixture.samples("NPI: 3234567893", .npi), [], "must start with 1 or 2")
        XCTAssertEqual(try Fixture.samples("Order number 1234567893", .npi), [], "business reference")
        XCTAssertEqual(try Fixture.samples("id 12345678931", .npi), [], "inside a longer run")
    }

    func testDEA() throws {
        XCTAssertEqual(try Fixture.samples("DEA# AB1234563", .dea), ["*****4563"])
        XCTAssertEqual(try Fixture.samples("DEA# AB1234564", .dea), [], "bad check digit")
        XCTAssertEqual(try Fixture.samples("DEA# ZB1234563", .dea), [], "Z is not a registrant type")
        XCTAssertEqual(try Fixture.samples("DEA# ab1234563", .dea), [])
    }

    func testMBI() throws {
        XCTAssertEqual(try Fixture.samples("Medicare MBI 1EG4-TE5-MK73", .mbi), ["*******MK73"])
        XCTAssertEqual(try Fixture.samples("MBI 1EG4TE5MK73", .mbi), ["*******MK73"])
        XCTAssertEqual(try Fixture.samples("MBI 0EG4TE5MK73", .mbi), [], "position 1 is 1-9")
        XCTAssertEqual(try Fixture.samples("MBI 1SG4TE5MK73", .mbi), [], "S is excluded")
        XCTAssertEqual(try Fixture.samples("MBI 1EG4TE5MK7A", .mbi), [], "position 11 is a digit")
        XCTAssertEqual(try Fixture.samples("UPS 1Z999AA10123456784", .mbi), [])
    }

    func testCreditCards() throws {
        XCTAssertEqual(try Fixture.samples("Visa 4111 1111 1111 1111 exp 12/27", .creditCard), ["************1111"])
        XCTAssertEqual(try Fixture.samples("card 5555-5555-5555-4444", .creditCard), ["************4444"])
        XCTAssertEqual(try Fixture.samples("amex 3782 822463 10005", .creditCard), ["***********0005"])
        XCTAssertEqual(try Fixture.samples("card 6011111111111117", .creditCard), ["************1117"])
        XCTAssertEqual(try Fixture.samples("card 4111 1111 1111 1112", .creditCard), [], "Luhn fails")
        XCTAssertEqual(try Fixture.samples("card 9111111111111111", .creditCard), [], "no issuer")
        XCTAssertEqual(try Fixture.samples("Tracking 4111111111111111", .creditCard), [], "business reference")
    }

    func testMaskedSamplesNeverHoldTheValue() throws {
        let text = """
            SSN 219-45-1234, NPI 1234567893, DEA AB1234563, MBI 1EG4-TE5-MK73, card 4111111111111111,
            MRN: 00482913, DOB: 03/15/1984, phone (415) 555-2671, Dx E11.9, history of diabetes mellitus
            """
        let findings = try Fixture.findings(text)
        XCTAssertEqual(Set(findings.map(\.type)), Set(PHIType.allCases))
        for value in ["219451234", "219-45-1234", "1234567893", "AB1234563", "1EG4TE5MK73", "1EG4-TE5-MK73",
                      "4111111111111111", "00482913", "03/15/1984", "4155552671", "555-2671", "E11.9", "diabetes"] {
            for f in findings { XCTAssertFalse(f.sample.contains(value), "\(f.type) sample holds \(value)") }
        }
    }
}
