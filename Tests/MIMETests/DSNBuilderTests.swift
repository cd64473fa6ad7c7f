// Tests for the RFC 3464 DSN (LocalMail.bounce): parse what it builds and check the three parts, the status
// fields, and that no Subject or body of the original leaks into the notice.

import MailCore
import XCTest
@testable import MIME

final class DSNBuilderTests: XCTestCase {
    let original = Array(("Received: from x by y\r\nMessage-ID: <m1@example.org>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
        + "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Patient John Doe HIV result\r\n"
        + "Cc: carol@example.net\r\n\r\nSSN 123-45-6789 diagnosis follows\r\n").utf8)

    func addr(_ s: String) throws -> MailAddress { try MailAddressParser.parse(s, allowUTF8: true) }

    func build() throws -> [UInt8] {
        let qid = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 7)
        let report = DeliveryStatusReport(
            reportingMTA: "gw.example.test", queueID: qid, arrivalDate: Date(timeIntervalSince1970: 1_700_000_000),
            envelopeID: "env-42",
            recipients: [
                DSNRecipientReport(finalRecipient: try addr("bob@example.net"), originalRecipient: "rfc822;bob@example.net",
                                   action: .failed, status: EnhancedStatus(5, 1, 1), remoteMTA: "relay.example",
                                   diagnostic: "550 5.1.1 User unknown", lastAttempt: Date(timeIntervalSince1970: 1_700_000_100)),
                DSNRecipientReport(finalRecipient: try addr("dave@bücher.example"), action: .failed, status: EnhancedStatus(4, 4, 7),
                                   diagnostic: "delivery time expired\r\nInjected: yes"),
            ])
        return LocalMail(hostname: "gw.example.test", node: 1)
            .bounce(report: report, to: try addr("alice@example.org"), originalMessage: original, now: Date(), boundary: "BOUNDARY").bytes
    }

    func parts(_ message: [UInt8], boundary: String) -> [[UInt8]] {
        let text = String(decoding: MessageSplit(message).body, as: UTF8.self)
        let pieces = text.components(separatedBy: "\r\n--\(boundary)")
        // pieces[0] is the preamble; the last piece starts with "--" (close delimiter).
        return pieces.dropFirst().filter { !$0.hasPrefix("--") }.map { piece in
            Array(piece.drop(while: { $0 == "\r\n" }).utf8)
        }
    }

    func testTopLevelHeaders() throws {
        let dsn = try build()
        let h = MessageHeaders(parsing: dsn)
        XCTAssertEqual(h["content-type"], "multipart/report; report-type=delivery-status;\tboundary=\"BOUNDARY\"")
        XCTAssertEqual(h["to"], "<alice@example.org>")
        XCTAssertEqual(h["from"], "Mail Delivery System <MAILER-DAEMON@gw.example.test>")
        XCTAssertEqual(h["auto-submitted"], "auto-replied")
        XCTAssertEqual(h["subject"], "Undelivered Mail Returned to Sender")
    }

    func testThreePartsWithStatusFields() throws {
        let dsn = try build()
        let p = parts(dsn, boundary: "BOUNDARY")
        XCTAssertEqual(p.count, 3)
        guard p.count == 3 else { return }
        XCTAssertEqual(MessageHeaders(parsing: p[0])["content-type"], "text/plain; charset=utf-8")
        XCTAssertEqual(MessageHeaders(parsing: p[1])["content-type"], "message/delivery-status")
        XCTAssertEqual(MessageHeaders(parsing: p[2])["content-type"], "text/rfc822-headers")

        // The delivery-status body is groups of header-like fields separated by empty lines.
        let groups = String(decoding: MessageSplit(p[1]).body, as: UTF8.self)
            .components(separatedBy: "\r\n\r\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { MessageHeaders(parsing: Array(($0 + "\r\n").utf8)) }
        XCTAssertEqual(groups.count, 3)
        guard groups.count == 3 else { return }
        XCTAssertEqual(groups[0]["reporting-mta"], "dns; gw.example.test")
        XCTAssertEqual(groups[0]["original-envelope-id"], "env-42")
        XCTAssertEqual(groups[0]["arrival-date"], "Tue, 14 Nov 2023 22:13:20 +0000")
        XCTAssertEqual(groups[1]["final-recipient"], "rfc822; bob@example.net")
        XCTAssertEqual(groups[1]["original-recipient"], "rfc822;bob@example.net")
        XCTAssertEqual(groups[1]["action"], "failed")
        XCTAssertEqual(groups[1]["status"], "5.1.1")
        XCTAssertEqual(groups[1]["remote-mta"], "dns; relay.example")
        XCTAssertEqual(groups[1]["diagnostic-code"], "smtp; 550 5.1.1 User unknown")
        XCTAssertNotNil(groups[1]["last-attempt-date"])
        XCTAssertEqual(groups[2]["final-recipient"], "rfc822; dave@xn--bcher-kva.example")
        XCTAssertEqual(groups[2]["status"], "4.4.7")
        // A CRLF in a diagnostic must not start a new field.
        XCTAssertNil(groups[2]["injected"])
        XCTAssertEqual(groups[2]["diagnostic-code"], "smtp; delivery time expired  Injected: yes")
    }

    func testReturnedHeadersCarryNoPHI() throws {
        let dsn = try build()
        let text = String(decoding: dsn, as: UTF8.self)
        XCTAssertFalse(text.contains("HIV"))
        XCTAssertFalse(text.contains("123-45-6789"))
        XCTAssertFalse(text.contains("carol@"))
        let p = parts(dsn, boundary: "BOUNDARY")
        guard p.count == 3 else { return XCTFail("expected three parts") }
        let returned = MessageHeaders(parsing: Array(MessageSplit(p[2]).body))
        XCTAssertEqual(returned.fields.map(\.name), ["Message-ID", "Date", "From", "To"])
        XCTAssertNil(returned["subject"])
        XCTAssertEqual(returned["message-id"], "<m1@example.org>")
    }

    func testDelayedSubject() throws {
        let report = DeliveryStatusReport(reportingMTA: "gw", queueID: QueueID.generate(node: 0), arrivalDate: Date(),
                                          recipients: [DSNRecipientReport(finalRecipient: try addr("b@x.example"), action: .delayed,
                                                                          status: EnhancedStatus(4, 0, 0),
                                                                          willRetryUntil: Date())])
        let dsn = LocalMail(hostname: "gw", node: 0).bounce(report: report, to: try addr("a@x.example"), originalMessage: original, now: Date()).bytes
        XCTAssertEqual(MessageHeaders(parsing: dsn)["subject"], "Delayed Mail (still being retried)")
        XCTAssertTrue(String(decoding: dsn, as: UTF8.self).contains("Will-Retry-Until: "))
    }
}
