// MessageScanTests: scan(message:) over MIME shapes: part numbers (IMAP), the decoded Subject as part
// "header", HTML obfuscation, QP soft breaks, base64 CSV, forwarded rfc822, uninspected PDFs.

import MailCore
import XCTest
@testable import PHIScanner

final class MessageScanTests: XCTestCase {
    private func scan(_ eml: String) throws -> ScanResult {
        try Fixture.scanner().scan(message: Array(eml.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    private func found(_ r: ScanResult) -> [String] { r.findings.map { "\($0.type.rawValue) \($0.part) \($0.sample)" } }

    func testPlainMessageIsPartOne() throws {
        let r = try scan("From: a@b.example\nSubject: hi\n\nSSN: 219-45-1234\n")
        XCTAssertEqual(found(r), ["ssn 1 ***-**-1234"])
    }

    func testSubjectIsScannedAsHeader() throws {
        let r = try scan("From: a@b.example\nSubject: =?UTF-8?B?TVJOOiAwMDQ4MjkxMw==?=\nDate: Mon, 3 Mar 2025 10:00:00 -0500\n\nhello\n")
        XCTAssertEqual(found(r), ["mrn header ****2913"])
        XCTAssertEqual(r.headers.first { $0.name == "Subject" }?.value, "MRN: 00482913")
    }

    func testAlternativeWithObfuscatedHTML() throws {
        let r = try scan("""
            From: a@b.example
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/plain

            nothing here
            --b1
            Content-Type: text/html

            <p>SSN <b>219</b>-45-1234</p><p>ssn 219&#45;45&#45;9876</p>
            --b1--
            """)
        XCTAssertEqual(found(r), ["ssn 2 ***-**-1234", "ssn 2 ***-**-9876"])
    }

    func testQuotedPrintableSoftBreakInsideIdentifier() throws {
        let r = try scan("""
            From: a@b.example
            Content-Type: text/plain
            Content-Transfer-Encoding: quoted-printable

            Card on file: 4111 1111 11=
            11 1111
            """)
        XCTAssertEqual(found(r), ["credit_card 1 ************1111"])
    }

    func testNestedPartsCSVAndPDF() throws {
        let csv = Data("field,value\nDOB,03/15/1984\n".utf8).base64EncodedString()
        let r = try scan("""
            From: a@b.example
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain

            NPI 1234567893
            --inner
            Content-Type: text/html

            <p>hello</p>
            --inner--
            --outer
            Content-Type: text/csv; name="x.csv"
            Content-Transfer-Encoding: base64

            \(csv)
            --outer
            Content-Type: application/pdf; name="scan.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQKJeLjz9MK
            --outer--
            """)
        XCTAssertEqual(found(r), ["npi 1.1 ******7893", "dob 2 **/**/1984"])
        XCTAssertEqual(r.uninspected.map(\.part), ["3"])
        XCTAssertEqual(r.uninspected.first?.contentType, "application/pdf")
    }

    func testForwardedMessageBodyIsTwoDotOne() throws {
        let r = try scan("""
            From: a@b.example
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            see below
            --b
            Content-Type: message/rfc822

            From: c@d.example
            Subject: original

            DEA# AB1234563
            --b--
            """)
        XCTAssertEqual(found(r), ["dea 2.1 *****4563"])
    }

    func testWindows1252Body() throws {
        var bytes = Array("From: a@b.example\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\nCaf".utf8)
        bytes += [0xE9, 0x20, 0x93, 0x71, 0x94, 0x20]
        bytes += Array(" DOB: 03/15/1984\r\n".utf8)
        let r = try Fixture.scanner().scan(message: bytes)
        XCTAssertEqual(found(r), ["dob 1 **/**/1984"])
    }
}

/// One scanner is shared by every SMTP session: concurrent scans must give the same answers.
final class ConcurrentScanTests: XCTestCase {
    func testConcurrentScansAgree() throws {
        let scanner = try Fixture.scanner()
        let text = "MRN: 00482913, SSN 219-45-1234, DOB: 03/15/1984, on metformin, Dx E11.9"
        let expected = scanner.scan(text: text, part: "1")
        XCTAssertEqual(expected.count, 5)
        let results = ResultBox(count: 64)
        DispatchQueue.concurrentPerform(iterations: 64) { i in results.set(i, scanner.scan(text: text, part: "1")) }
        for r in results.all() { XCTAssertEqual(r, expected) }
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [[Finding]]
        init(count: Int) { values = Array(repeating: [], count: count) }
        func set(_ i: Int, _ v: [Finding]) { lock.lock(); values[i] = v; lock.unlock() }
        func all() -> [[Finding]] { lock.lock(); defer { lock.unlock() }; return values }
    }
}
