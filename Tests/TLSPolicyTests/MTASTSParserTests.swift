// Tests for MTASTSParser.parsePolicy (RFC 8461 §3.2): valid policies in every mode and layout,
// and invalid ones, each error checked for the line it names.
import XCTest
@testable import TLSPolicy

final class MTASTSParserTests: XCTestCase {
    private func parseError(_ body: String, file: StaticString = #filePath, line: UInt = #line) -> MTASTSParseError? {
        do {
            let policy = try MTASTSParser.parsePolicy(body)
            XCTFail("expected an error, got \(policy)", file: file, line: line)
            return nil
        } catch let error as MTASTSParseError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testEnforceWithSeveralMX() throws {
        let policy = try MTASTSParser.parsePolicy("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n")
        XCTAssertEqual(policy, MTASTSPolicy(mode: .enforce, mx: ["mail.example.com", "*.example.net", "backupmx.example.com"], maxAge: 604800))
    }

    func testTestingModeWithCRLFAndNoFinalNewline() throws {
        let policy = try MTASTSParser.parsePolicy("version: STSv1\r\nmode: testing\r\nmx: mx1.example.org\r\nmax_age: 86400")
        XCTAssertEqual(policy, MTASTSPolicy(mode: .testing, mx: ["mx1.example.org"], maxAge: 86400))
    }

    func testNoneModeNeedsNoMX() throws {
        let policy = try MTASTSParser.parsePolicy("version: STSv1\nmode: none\nmax_age: 0\n")
        XCTAssertEqual(policy, MTASTSPolicy(mode: .none, mx: [], maxAge: 0))
    }

    func testExtraWhitespaceAnyOrderUnknownKeysAndCaseOfNames() throws {
        let body = "  max_age :\t31557600  \r\nfoo: bar baz\nversion:STSv1\nMode:  enforce\n\nmx:   MX.Example.COM.  \nx-extension: 1\n"
        let policy = try MTASTSParser.parsePolicy(body)
        XCTAssertEqual(policy, MTASTSPolicy(mode: .enforce, mx: ["mx.example.com"], maxAge: 31_557_600))
    }

    func testMissingVersion() {
        XCTAssertEqual(parseError("mode: enforce\nmx: a.example\nmax_age: 1\n"), MTASTSParseError(line: 0, message: "missing version"))
    }

    func testWrongVersionNamesItsLine() {
        let error = parseError("mode: enforce\nversion: STSv2\nmx: a.example\nmax_age: 1\n")
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("STSv2") ?? false)
    }

    func testVersionIsCaseSensitive() {
        XCTAssertEqual(parseError("version: stsv1\nmode: none\nmax_age: 1\n")?.line, 1)
    }

    func testBadMode() {
        let error = parseError("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n")
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("strict") ?? false)
    }

    func testMissingMode() {
        XCTAssertEqual(parseError("version: STSv1\nmx: a.example\nmax_age: 1\n"), MTASTSParseError(line: 0, message: "missing mode"))
    }

    func testEnforceAndTestingNeedMX() {
        XCTAssertEqual(parseError("version: STSv1\nmode: enforce\nmax_age: 1\n")?.message, "mode enforce needs at least one mx")
        XCTAssertEqual(parseError("version: STSv1\nmode: testing\nmax_age: 1\n")?.message, "mode testing needs at least one mx")
    }

    func testMissingMaxAge() {
        XCTAssertEqual(parseError("version: STSv1\nmode: none\n"), MTASTSParseError(line: 0, message: "missing max_age"))
    }

    func testMaxAgeTooLarge() {
        let error = parseError("version: STSv1\nmode: none\r\nmax_age: 31557601\n")
        XCTAssertEqual(error?.line, 3)
        XCTAssertTrue(error?.message.contains("exceeds") ?? false)
    }

    func testMaxAgeNegativeNonNumericOrTooLong() {
        XCTAssertEqual(parseError("version: STSv1\nmode: none\nmax_age: -5\n")?.line, 3)
        XCTAssertEqual(parseError("version: STSv1\nmode: none\n\nmax_age: 1d\n")?.line, 4)
        XCTAssertEqual(parseError("version: STSv1\nmode: none\nmax_age: \n")?.line, 3)
        XCTAssertEqual(parseError("version: STSv1\nmode: none\nmax_age: 00000000001\n")?.line, 3)
    }

    func testDuplicateModeIsAnError() {
        XCTAssertEqual(parseError("version: STSv1\nmode: none\nmode: enforce\nmx: a.example\nmax_age: 1\n")?.line, 3)
    }

    func testLineWithoutColon() {
        XCTAssertEqual(parseError("version: STSv1\nmode none\nmax_age: 1\n")?.line, 2)
    }

    func testBadMXPattern() {
        XCTAssertEqual(parseError("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 1\n")?.line, 3)
        XCTAssertEqual(parseError("version: STSv1\nmode: enforce\nmx: mail example.com\nmax_age: 1\n")?.line, 3)
        XCTAssertEqual(parseError("version: STSv1\nmode: enforce\nmx:\nmax_age: 1\n")?.line, 3)
        XCTAssertEqual(parseError("version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n")?.line, 3)
    }

    func testDescriptionNamesTheLine() {
        XCTAssertEqual(MTASTSParseError(line: 4, message: "x").description, "mta-sts.txt line 4: x")
    }
}
