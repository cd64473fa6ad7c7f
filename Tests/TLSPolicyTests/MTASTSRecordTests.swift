// Tests for MTASTSParser.parseRecord (RFC 8461 §3.1): the `_mta-sts` TXT record and its id.
// Pure: the client filters records with isSTSv1Record before calling parseRecord.
import XCTest
@testable import TLSPolicy

final class MTASTSRecordTests: XCTestCase {
    func testValidRecords() {
        XCTAssertEqual(MTASTSParser.parseRecord("v=STSv1; id=20160831085700Z;"), "20160831085700Z")
        XCTAssertEqual(MTASTSParser.parseRecord("v=STSv1;id=abc"), "abc")
        XCTAssertEqual(MTASTSParser.parseRecord("v=STSv1 ;\tid=A1 ; "), "A1")
        XCTAssertEqual(MTASTSParser.parseRecord("v=STSv1; id=" + String(repeating: "9", count: 32)), String(repeating: "9", count: 32))
    }

    func testExtensionFieldsAreAllowed() {
        XCTAssertEqual(MTASTSParser.parseRecord("v=STSv1; ext_1=value!; id=x1; other.ext=y"), "x1")
    }

    func testWrongVersionOrVersionNotFirst() {
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv2; id=1;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=stsv1; id=1;"))
        XCTAssertNil(MTASTSParser.parseRecord("id=1; v=STSv1;"))
        XCTAssertNil(MTASTSParser.parseRecord(" v=STSv1; id=1;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=spf1 -all"))
    }

    func testMissingOrBadID() {
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=" + String(repeating: "9", count: 33)))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=2016-08-31;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=1; id=2;"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id = 1;"))
    }

    func testMalformedExtensionsInvalidateTheRecord() {
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=1; junk"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=1; a=b c"))
        XCTAssertNil(MTASTSParser.parseRecord("v=STSv1; id=1;;"))
    }

    func testIsSTSv1RecordPrefilter() {
        XCTAssertTrue(MTASTSParser.isSTSv1Record("v=STSv1; garbage"))
        XCTAssertFalse(MTASTSParser.isSTSv1Record("v=STSv10; id=1"))
        XCTAssertFalse(MTASTSParser.isSTSv1Record("v=spf1 include:example.com"))
    }
}
