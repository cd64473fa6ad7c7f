// Tests for the SMTP client's reply parser: every split of a pipelined input gives the same
// replies, multi-line joins, enhanced status extraction and malformed input.

import MailCore
import NIOCore
import XCTest
@testable import SMTPProtocol

final class ClientReplyParserTests: XCTestCase {
    let input = "220 mx.example ESMTP ready\r\n"
        + "250-mx.example Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n"
        + "250 2.1.0 Ok\r\n"
        + "550-5.1.1 <bob@example>: Recipient address rejected:\r\n550 5.1.1 User unknown\r\n"
        + "451 4.3.0 Try again later\r\n"
        + "354 End data with <CR><LF>.<CR><LF>\r\n"

    func parseAll(_ chunks: [[UInt8]]) throws -> [SMTPReply] {
        var parser = ClientReplyParser()
        var out: [SMTPReply] = []
        for chunk in chunks {
            var buf = ByteBuffer(bytes: chunk)
            out += try parser.feed(&buf)
            XCTAssertEqual(buf.readableBytes, 0)
        }
        XCTAssertFalse(parser.hasPartialReply)
        return out
    }

    func checkExpected(_ replies: [SMTPReply], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(replies.count, 6, file: file, line: line)
        guard replies.count == 6 else { return }
        XCTAssertEqual(replies[0], SMTPReply(220, nil, "mx.example ESMTP ready"), file: file, line: line)
        XCTAssertEqual(replies[1].code, 250, file: file, line: line)
        XCTAssertEqual(replies[1].lines, ["mx.example Hello", "PIPELINING", "SIZE 10240000", "8BITMIME"], file: file, line: line)
        XCTAssertNil(replies[1].status, file: file, line: line)
        XCTAssertEqual(replies[2], SMTPReply(250, EnhancedStatus(2, 1, 0), "Ok"), file: file, line: line)
        XCTAssertEqual(replies[3].code, 550, file: file, line: line)
        XCTAssertEqual(replies[3].status, EnhancedStatus(5, 1, 1), file: file, line: line)
        XCTAssertEqual(replies[3].lines, ["<bob@example>: Recipient address rejected:", "User unknown"], file: file, line: line)
        XCTAssertEqual(replies[4].status, EnhancedStatus(4, 3, 0), file: file, line: line)
        XCTAssertTrue(replies[4].isTransient, file: file, line: line)
        XCTAssertEqual(replies[5].code, 354, file: file, line: line)
        XCTAssertNil(replies[5].status, file: file, line: line)
    }

    func testWholeInput() throws {
        checkExpected(try parseAll([Array(input.utf8)]))
    }

    func testEveryTwoWaySplit() throws {
        let bytes = Array(input.utf8)
        for cut in 0...bytes.count {
            checkExpected(try parseAll([Array(bytes[..<cut]), Array(bytes[cut...])]))
        }
    }

    func testEveryThreeWaySplit() throws {
        let bytes = Array(input.utf8)
        for a in stride(from: 0, through: bytes.count, by: 3) {
            for b in a...bytes.count {
                checkExpected(try parseAll([Array(bytes[..<a]), Array(bytes[a..<b]), Array(bytes[b...])]))
            }
        }
    }

    func testByteAtATime() throws {
        checkExpected(try parseAll(Array(input.utf8).map { [$0] }))
    }

    func testPartialReplyIsHeldBack() throws {
        var parser = ClientReplyParser()
        var buf = ByteBuffer(string: "250-first\r\n250 sec")
        XCTAssertEqual(try parser.feed(&buf), [])
        XCTAssertTrue(parser.hasPartialReply)
        buf = ByteBuffer(string: "ond\r\n")
        XCTAssertEqual(try parser.feed(&buf), [SMTPReply(250, nil, ["first", "second"])])
    }

    func testBareLFLineEndAndCodeOnlyLine() throws {
        var parser = ClientReplyParser()
        var buf = ByteBuffer(string: "250\n221 2.0.0 Bye\n")
        let replies = try parser.feed(&buf)
        XCTAssertEqual(replies.map(\.code), [250, 221])
        XCTAssertEqual(replies[1].status, EnhancedStatus(2, 0, 0))
    }

    func testStatusClassMustMatchCode() throws {
        var parser = ClientReplyParser()
        var buf = ByteBuffer(string: "250 5.1.1 odd\r\n")
        let reply = try parser.feed(&buf)
        XCTAssertEqual(reply, [SMTPReply(250, nil, "5.1.1 odd")])
    }

    func testMalformedInput() {
        var parser = ClientReplyParser()
        var buf = ByteBuffer(string: "hello\r\n")
        XCTAssertThrowsError(try parser.feed(&buf))
        var p2 = ClientReplyParser()
        var b2 = ByteBuffer(string: "250-a\r\n251 b\r\n")
        XCTAssertThrowsError(try p2.feed(&b2)) { XCTAssertEqual($0 as? ClientReplyError, .inconsistentCode(250, 251)) }
        var p3 = ClientReplyParser(maxLineLength: 10)
        var b3 = ByteBuffer(string: "250 0123456789abc\r\n")
        XCTAssertThrowsError(try p3.feed(&b3)) { XCTAssertEqual($0 as? ClientReplyError, .lineTooLong) }
    }
}
