// Tests for locally generated mail: a DSN and a policy notice come out of one builder and one
// envelope factory (null sender, client localhost[127.0.0.1], SMTPUTF8 only when needed), without PHI.

import Foundation
import MailCore
import XCTest
@testable import MIME

final class LocalMailTests: XCTestCase {
    let mail = LocalMail(hostname: "gw.example.test", node: 3)
    let original = Array(("Message-ID: <m1@example.org>\r\nFrom: alice@example.org\r\nTo: b@example.net\r\n"
        + "Subject: Patient John Doe HIV result\r\n\r\nSSN 123-45-6789 diagnosis follows\r\n").utf8)

    func addr(_ s: String) throws -> MailAddress { try MailAddressParser.parse(s, allowUTF8: true) }

    /// The original message's envelope: policy held b@ and asked for a notice.
    func originalEnvelope(sender: String) throws -> Envelope {
        let client = ClientInfo(address: "192.0.2.7", port: 41000, hostname: "client.example", helo: "client.example",
                                protocolName: "ESMTPSA", authenticatedUser: "alice", tls: nil, listener: "submission")
        let trace = DecisionTrace(rule: "10-phi.yaml:3 hold-ssn", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1)
        return Envelope(queueID: QueueID.generate(node: 1), sender: try addr(sender),
                        recipients: [RecipientSpec(address: try addr("b@example.net"))], size: original.count,
                        arrival: Date(), client: client, decisions: [Decision(action: .hold, notifySender: true, trace: trace)])
    }

    /// Both kinds of local mail for the same original sender.
    func both(sender: String) throws -> (dsn: LocalMessage, notice: LocalMessage) {
        let env = try originalEnvelope(sender: sender)
        let report = DeliveryStatusReport(reportingMTA: mail.hostname, queueID: env.queueID, arrivalDate: env.arrival,
                                          recipients: [DSNRecipientReport(finalRecipient: try addr("b@example.net"),
                                                                          action: .failed, status: EnhancedStatus(5, 1, 1),
                                                                          diagnostic: "550 5.1.1 User unknown")])
        let dsn = mail.bounce(report: report, to: try addr(sender), originalMessage: original, now: Date())
        let notice = try XCTUnwrap(mail.policyNotice(for: env, now: Date()))
        return (dsn, notice)
    }

    func testBothKindsComeFromTheSameFactoryWithTheLocalClient() throws {
        let (dsn, notice) = try both(sender: "alice@example.org")
        for (message, kind) in [(dsn, LocalMailKind.bounce), (notice, .policyNotice)] {
            let env = message.envelope
            XCTAssertNil(env.sender, "\(kind): from <> so it never bounces back")
            XCTAssertEqual(env.recipients, [RecipientSpec(address: try addr("alice@example.org"), notify: [.never])])
            XCTAssertEqual(env.client.hostname, "localhost")
            XCTAssertEqual(env.client.address, "127.0.0.1")
            XCTAssertEqual(env.client.helo, "gw.example.test")
            XCTAssertEqual(env.client.protocolName, "LOCAL")
            XCTAssertNil(env.client.authenticatedUser, "the original client is not carried over")
            XCTAssertEqual(env.client.listener, kind.rawValue)
            XCTAssertEqual(env.size, message.bytes.count)
            XCTAssertFalse(env.smtputf8)
            XCTAssertEqual(env.bodyType, .sevenBit)
            // The envelope is exactly what the one factory makes for these bytes.
            XCTAssertEqual(env, LocalEnvelope.make(queueID: env.queueID, to: try addr("alice@example.org"), message: message.bytes,
                                                   hostname: "gw.example.test", kind: kind, now: env.arrival))
            let headers = MessageHeaders(parsing: message.bytes)
            XCTAssertEqual(headers["from"], "Mail Delivery System <MAILER-DAEMON@gw.example.test>")
            XCTAssertEqual(headers["to"], "<alice@example.org>")
            XCTAssertEqual(headers["message-id"]?.hasPrefix("<\(env.queueID)."), true, headers["message-id"] ?? "")
        }
        var a = dsn.envelope.client, b = notice.envelope.client
        a.listener = ""; b.listener = ""
        XCTAssertEqual(a, b, "the two kinds differ only in the label")
    }

    func testSMTPUTF8OnlyWhenTheAddressNeedsIt() throws {
        let (dsn, notice) = try both(sender: "jos\u{e9}@example.org")
        XCTAssertTrue(dsn.envelope.smtputf8)
        XCTAssertTrue(notice.envelope.smtputf8)
        XCTAssertEqual(dsn.envelope.bodyType, .eightBitMIME, "the UTF-8 address is in the header")
        XCTAssertEqual(notice.envelope.bodyType, .eightBitMIME)
        let ascii = try both(sender: "alice@example.org")
        XCTAssertEqual([ascii.dsn.envelope.smtputf8, ascii.notice.envelope.smtputf8], [false, false])
    }

    func testSMTPUTF8WhenAHeaderFieldHasUTF8AndNotForAUTF8Body() throws {
        let to = try addr("alice@example.org")
        func envelope(_ text: String) -> Envelope {
            LocalEnvelope.make(queueID: QueueID.generate(node: 1), to: to, message: Array(text.utf8), hostname: "gw.example.test",
                               kind: .portalReply, now: Date(timeIntervalSince1970: 0), sender: to)
        }
        let header = envelope("From: a@example.org\r\nReply-To: <jos\u{e9}@example.org>\r\n\r\nhi\r\n")
        XCTAssertTrue(header.smtputf8, "a UTF-8 address in Reply-To needs SMTPUTF8 (RFC 6532)")
        let body = envelope("From: a@example.org\r\nSubject: =?UTF-8?B?w6k=?=\r\n\r\nJos\u{e9}\r\n")
        XCTAssertFalse(body.smtputf8, "8-bit text in the body needs 8BITMIME only")
        XCTAssertEqual(body.bodyType, .eightBitMIME)
        XCTAssertFalse(envelope("\r\nJos\u{e9}").smtputf8, "an empty header section")
        XCTAssertFalse(envelope("From: a@example.org\n\nJos\u{e9}").smtputf8, "bare LF line ends")
    }

    func testNeitherKindQuotesTheOriginalSubjectOrBody() throws {
        let (dsn, notice) = try both(sender: "alice@example.org")
        for message in [dsn, notice] {
            let text = String(decoding: message.bytes, as: UTF8.self)
            XCTAssertFalse(text.contains("HIV"), text)
            XCTAssertFalse(text.contains("John Doe"), text)
            XCTAssertFalse(text.contains("123-45-6789"), text)
            XCTAssertFalse(text.contains("diagnosis"), text)
        }
        XCTAssertEqual(MessageHeaders(parsing: dsn.bytes)["auto-submitted"], "auto-replied")
        XCTAssertEqual(MessageHeaders(parsing: notice.bytes)["auto-submitted"], "auto-generated")
    }
}
