// The report mail (RFC 8460 §5.3) taken apart with the MIME parser and its attachment opened by the
// system's gzip; the `_smtp._tls` record's rua parsing, good and bad.

import Foundation
import MailCore
import MIME
import TLSReporting
import XCTest

final class TLSReportMailTests: XCTestCase {
    func address(_ text: String) -> MailAddress { try! MailAddressParser.parse(text, allowUTF8: true) }

    func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = NSTemporaryDirectory() + "tlsrpt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/r.json.gz"))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-t", dir + "/r.json.gz"]
        try gzip.run(); gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0, "gzip -t: the member is intact")
        let out = Pipe()
        let cat = Process()
        cat.executableURL = URL(fileURLWithPath: "/bin/gzip")
        cat.arguments = ["-dc", dir + "/r.json.gz"]
        cat.standardOutput = out
        try cat.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        cat.waitUntilExit()
        return Array(data)
    }

    func testTheMailCarriesTheReportGzippedUnderTheRFCsHeaders() throws {
        let start = Date(timeIntervalSince1970: 1_796_169_600)
        var policy = TLSReport.PolicyResult(policyType: .tlsa, policyDomain: "example.com", policyStrings: ["3 1 1 AB"], mxHost: [])
        policy.successCount = 12
        let report = TLSReport(organisation: "Riverside Clinic", start: start, end: start.addingTimeInterval(86_400),
                               contact: "mailto:tls@clinic.example", reportID: "2026-12-02T00:00:00Z_example.com@gw.clinic.example",
                               policies: [policy])
        let bytes = try TLSReportMail.compose(report, from: address("tlsrpt@clinic.example"), to: address("reports@example.com"),
                                              submitter: "gw.clinic.example", date: start.addingTimeInterval(90_000),
                                              messageID: "r1@gw.clinic.example")
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "multipart/report")
        XCTAssertEqual(root.contentType.parameters["report-type"], "tlsrpt")
        XCTAssertEqual(root.headers["subject"],
                       "Report Domain: example.com Submitter: gw.clinic.example Report-ID: <2026-12-02T00:00:00Z_example.com@gw.clinic.example>")
        XCTAssertEqual(root.headers["tls-report-domain"], "example.com")
        XCTAssertEqual(root.headers["tls-report-submitter"], "gw.clinic.example")
        XCTAssertEqual(root.headers["tls-required"], "No", "delivered despite TLS failures (RFC 8460 §5.3)")
        XCTAssertEqual(root.children.count, 2)
        let attachment = root.children[1]
        XCTAssertEqual(attachment.contentType.mimeType, "application/tlsrpt+gzip")
        XCTAssertEqual(attachment.filename, "gw.clinic.example!example.com!1796169600!1796256000!20261202T000000Zexamplecomgwclinicexample.json.gz",
                       "unique-id is letters and digits only (RFC 8460 §5.1)")
        let encoded = String(decoding: attachment.body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "")
        let gz = try XCTUnwrap(Data(base64Encoded: encoded))
        XCTAssertEqual(try gunzip(Array(gz)), try report.json())
        for line in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 998) }
    }

    func testGzipRoundTripsLargeAndEmptyInput() throws {
        let big: [UInt8] = (0..<300_000).map { (n: Int) -> UInt8 in UInt8((n * 31 + n / 7) % 251) }
        XCTAssertEqual(try gunzip(try Gzip.compress(big)), big)
        XCTAssertEqual(try gunzip(try Gzip.compress([])), [])
    }

    func testTheRecordGivesItsRUAAddresses() {
        let one = TLSRPTRecord.find(in: ["v=spf1 -all", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1"])
        XCTAssertEqual(one?.mailto, [address("tlsrpt@example.com")])
        XCTAssertEqual(one?.https, ["https://reports.example.com/v1"])
        let encoded = TLSRPTRecord.parse("v=TLSRPTv1;rua=mailto:tls%2Breports@example.com; x=ignored")
        XCTAssertEqual(encoded?.mailto, [address("tls+reports@example.com")], "percent-encoded, unknown fields ignored")
        XCTAssertNil(TLSRPTRecord.find(in: ["v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"]),
                     "two records: no reports (RFC 8460 §3)")
        XCTAssertNil(TLSRPTRecord.find(in: []))
        XCTAssertNil(TLSRPTRecord.parse("v=TLSRPTv2; rua=mailto:a@example.com"))
        XCTAssertNil(TLSRPTRecord.parse("v=TLSRPTv1"), "no rua")
        XCTAssertNil(TLSRPTRecord.parse("v=TLSRPTv1; rua=ftp://x"), "no usable rua")
        XCTAssertNil(TLSRPTRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com"), "rua twice")
        XCTAssertNil(TLSRPTRecord.parse("rua=mailto:a@example.com; v=TLSRPTv1"), "v= must come first")
    }
}
