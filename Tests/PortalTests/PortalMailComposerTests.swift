// PortalMailComposerTests: the portal's mail as RFC 5322 with CRLF only: notices and codes as plain
// + HTML alternatives with no message content, RFC 2047 headers, and the reply with its files.

import Foundation
import MailCore
import MIME
@testable import Portal
import TestSupport
import XCTest

final class PortalMailComposerTests: XCTestCase {
    let clock = TestClock()
    let noticeFrom = try! MailAddressParser.parse("portal@clinic.example", allowUTF8: true)
    let patient = try! MailAddressParser.parse("patient@example.org", allowUTF8: true)
    let doctor = try! MailAddressParser.parse("doctor@clinic.example", allowUTF8: true)
    let id = PortalMessageID(bytes: Array(repeating: 3, count: 16))!

    func composer(organisation: String = "Riverside Clinic") throws -> PortalMailComposer {
        PortalMailComposer(templates: try PortalTemplates(), organisation: organisation, noticeFrom: noticeFrom, clock: clock,
                           randomness: SystemPortalRandomness())
    }

    func facts(subject: String? = nil, organisation: String = "Riverside Clinic") -> PortalNoticeFacts {
        PortalNoticeFacts(organisation: organisation, sender: doctor, recipient: patient, subject: subject,
                          expires: Date(timeIntervalSince1970: 1_800_000_000), link: "https://portal.clinic.example/p/abc/def",
                          portalMessageID: id)
    }

    func assertCRLFOnly(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        for (i, b) in bytes.enumerated() where b == 0x0A {
            XCTAssertTrue(i > 0 && bytes[i - 1] == 0x0D, "bare LF at \(i)", file: file, line: line)
        }
        for (i, b) in bytes.enumerated() where b == 0x0D {
            XCTAssertTrue(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "bare CR at \(i)", file: file, line: line)
        }
    }

    /// The decoded text of each leaf, by type.
    func texts(_ bytes: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        for e in MIMEParser.parse(bytes).allEntities where e.children.isEmpty {
            out[e.contentType.mimeType] = String(decoding: PortalPartWalk.decoded(e), as: UTF8.self)
        }
        return out
    }

    func testTheNoticeIsPlainAndHTMLWithTheLinkAndNoSubjectByDefault() throws {
        let bytes = try composer().notice(facts())
        assertCRLFOnly(bytes)
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "multipart/alternative")
        XCTAssertEqual(root.children.map(\.contentType.mimeType), ["text/plain", "text/html"])
        XCTAssertEqual(root.headers["subject"], "Secure message from Riverside Clinic")
        XCTAssertEqual(root.headers["from"], "Riverside Clinic <portal@clinic.example>")
        XCTAssertEqual(root.headers["to"], "<patient@example.org>")
        XCTAssertEqual(root.headers["auto-submitted"], "auto-generated")
        XCTAssertEqual(root.headers["date"], RFC5322Date.format(clock.now()))
        XCTAssertNotNil(root.headers["message-id"]?.hasSuffix("@clinic.example>"))
        let parts = texts(bytes)
        XCTAssertTrue(parts["text/plain"]?.contains("https://portal.clinic.example/p/abc/def") == true)
        XCTAssertTrue(parts["text/html"]?.contains("href=\"https://portal.clinic.example/p/abc/def\"") == true)
        XCTAssertTrue(parts["text/plain"]?.contains("doctor@clinic.example") == true)
        XCTAssertFalse(parts["text/plain"]?.contains("Subject:") == true)
    }

    func testTheNoticeNamesTheSubjectOnlyWhenGivenAndNeverTheBody() throws {
        let bytes = try composer().notice(facts(subject: "Your results"))
        XCTAssertEqual(MIMEParser.parse(bytes).headers["subject"], "Secure message from Riverside Clinic: Your results")
        XCTAssertTrue(texts(bytes)["text/plain"]?.contains("Subject: Your results") == true)
        // PortalNoticeFacts has no body to leak; nor does any header or part name the store's content.
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("HbA1c"))
    }

    func testNonASCIIHeadersAreEncodedWordsThatDecodeBack() throws {
        let organisation = "Praxis Dr. Müller – Kinderärzte in Düsseldorf und Umgebung, Gemeinschaftspraxis"
        let bytes = try composer(organisation: organisation).notice(facts(organisation: organisation))
        assertCRLFOnly(bytes)
        let head = String(decoding: MessageSplit(bytes).header, as: UTF8.self)
        XCTAssertTrue(head.unicodeScalars.allSatisfy(\.isASCII), "headers are 7-bit")
        for line in head.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 998) }
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(RFC2047.decode(root.headers["subject"] ?? ""), "Secure message from \(organisation)")
        XCTAssertEqual(RFC2047.decode(root.headers["from"] ?? ""), "\(organisation) <portal@clinic.example>")
        XCTAssertTrue(texts(bytes)["text/plain"]?.contains(organisation) == true)
    }

    func testAHeaderValueCannotInjectALine() throws {
        let bytes = try composer().notice(facts(subject: "hi\r\nBcc: victim@example.net"))
        let head = String(decoding: MessageSplit(bytes).header, as: UTF8.self)
        XCTAssertFalse(head.contains("\r\nBcc:"), head)
    }

    func testAVeryLongSubjectIsFoldedUnderTheLineLimit() throws {
        let subject = String(repeating: "results ", count: 200)
        let bytes = try composer().notice(facts(subject: subject))
        for line in String(decoding: MessageSplit(bytes).header, as: UTF8.self).components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.utf8.count, 998)
        }
        XCTAssertEqual(RFC2047.decode(MIMEParser.parse(bytes).headers["subject"] ?? ""),
                       "Secure message from Riverside Clinic: " + subject.trimmingCharacters(in: .whitespaces))
    }

    func testTheCodeMailCarriesTheCodeInItsBodyOnly() throws {
        let bytes = try composer().code(to: patient, code: "48151623", expires: Date(timeIntervalSince1970: 1_800_000_000),
                                        purpose: .pickup)
        assertCRLFOnly(bytes)
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "multipart/alternative")
        XCTAssertFalse(root.headers["subject"]?.contains("48151623") == true)
        XCTAssertTrue(texts(bytes)["text/plain"]?.contains("48151623") == true)
        XCTAssertTrue(texts(bytes)["text/html"]?.contains("48151623") == true)
        let reset = try composer().code(to: patient, code: "1", expires: Date(), purpose: .reset)
        XCTAssertTrue(texts(reset)["text/plain"]?.contains("reset your password") == true)
        XCTAssertFalse(texts(reset)["text/plain"]?.contains("open your secure message") == true)
    }

    func testTheSenderCopyHasTheRevokeLinkNotThePickupLink() throws {
        let bytes = try composer().senderCopy(facts(), revokeURL: "https://portal.clinic.example/revoke/abc/rev")
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.headers["to"], "<doctor@clinic.example>")
        let text = texts(bytes)["text/plain"] ?? ""
        XCTAssertTrue(text.contains("https://portal.clinic.example/revoke/abc/rev"))
        XCTAssertFalse(text.contains("/p/abc/def"), "the sender never gets the recipient's link")
        var noSender = facts()
        noSender.sender = nil
        XCTAssertThrowsError(try composer().senderCopy(noSender, revokeURL: "x"))
    }

    func testTheReadReceiptIsPlainText() throws {
        let bytes = try composer().readReceipt(PortalReceiptFacts(organisation: "Riverside Clinic", sender: doctor, recipient: patient,
                                                                  openedAt: Date(timeIntervalSince1970: 1_800_000_000), portalMessageID: id))
        assertCRLFOnly(bytes)
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "text/plain")
        XCTAssertEqual(root.headers["to"], "<doctor@clinic.example>")
        XCTAssertTrue(texts(bytes)["text/plain"]?.contains("patient@example.org") == true)
    }

    func testTheReplyGoesFromThePortalForTheRecipientWithItsFilesInBase64() throws {
        let binary = (0..<300).map { UInt8($0 % 256) }
        let facts = PortalReplyFacts(from: patient, to: doctor, envelopeSender: noticeFrom, subject: "Re: RE: Your résults",
                                     inReplyTo: "<m1@clinic.example>", body: "Thanks!\nSee you.",
                                     attachments: [PortalUpload(filename: "Scan für Sie.pdf", contentType: "application/pdf", bytes: binary),
                                                   PortalUpload(filename: "x.bin", contentType: "bad\r\ntype", bytes: [1])])
        let bytes = try composer().reply(facts)
        assertCRLFOnly(bytes)
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "multipart/mixed")
        XCTAssertEqual(root.headers["from"], "\"patient@example.org via Riverside Clinic\" <portal@clinic.example>",
                       "From is the portal's address (signed by the organisation's DKIM key), named for the recipient")
        XCTAssertEqual(root.headers["reply-to"], "<patient@example.org>")
        XCTAssertNil(root.headers["sender"])
        XCTAssertEqual(root.headers["to"], "<doctor@clinic.example>")
        XCTAssertEqual(RFC2047.decode(root.headers["subject"] ?? ""), "Re: Your résults")
        XCTAssertEqual(root.headers["in-reply-to"], "<m1@clinic.example>")
        XCTAssertEqual(root.headers["references"], "<m1@clinic.example>")
        XCTAssertNil(root.headers["auto-submitted"], "a person wrote the reply")
        XCTAssertEqual(root.children.count, 3)
        XCTAssertEqual(String(decoding: PortalPartWalk.decoded(root.children[0]), as: UTF8.self), "Thanks!\r\nSee you.")
        XCTAssertEqual(root.children[1].transferEncoding, "base64")
        XCTAssertEqual(root.children[1].filename, "Scan für Sie.pdf")
        XCTAssertEqual(root.children[1].disposition?.type, "attachment")
        XCTAssertEqual(PortalPartWalk.decoded(root.children[1]), binary)
        XCTAssertEqual(root.children[2].contentType.mimeType, "application/octet-stream", "an unsafe declared type is not copied")
        for line in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 998) }
    }

    func testTheEncodedReplyBoundHoldsForTheLargestReply() throws {
        let files = (0..<3).map { n in PortalUpload(filename: "scan-\(n).pdf", contentType: "application/pdf",
                                                     bytes: (0..<100_000).map { UInt8(($0 * 7 + n) % 256) }) }
        let body = String(repeating: "ü", count: 1000)
        let size = body.utf8.count + files.reduce(0) { $0 + $1.bytes.count }
        let bytes = try composer().reply(PortalReplyFacts(from: patient, to: doctor, envelopeSender: noticeFrom, subject: "Hello",
                                                          inReplyTo: "<m1@clinic.example>", body: body, attachments: files))
        let bound = PortalMailComposer.encodedReplySize(upTo: size, attachments: files.count)
        XCTAssertLessThanOrEqual(bytes.count, bound)
        XCTAssertGreaterThan(bytes.count, size * 4 / 3, "the files are in base64")
        // All text, none of it ASCII: base64, not a tripling quoted-printable.
        let text = String(repeating: "\u{1F600}", count: 20_000)
        let encoded = try composer().reply(PortalReplyFacts(from: patient, to: doctor, envelopeSender: noticeFrom, subject: "Hello",
                                                            inReplyTo: nil, body: text, attachments: []))
        XCTAssertEqual(MIMEParser.parse(encoded).transferEncoding, "base64")
        XCTAssertEqual(String(decoding: PortalPartWalk.decoded(MIMEParser.parse(encoded)), as: UTF8.self), text)
        XCTAssertLessThanOrEqual(encoded.count, PortalMailComposer.encodedReplySize(upTo: text.utf8.count, attachments: 0))
        let ascii = try composer().reply(PortalReplyFacts(from: patient, to: doctor, envelopeSender: noticeFrom, subject: "Hello",
                                                          inReplyTo: nil, body: "Thank you, see you Monday.", attachments: []))
        XCTAssertEqual(MIMEParser.parse(ascii).transferEncoding, "quoted-printable")
    }

    func testAReplyWithoutFilesIsOneTextPart() throws {
        let bytes = try composer().reply(PortalReplyFacts(from: patient, to: doctor, envelopeSender: noticeFrom, subject: "Hello",
                                                          inReplyTo: nil, body: "ok", attachments: []))
        let root = MIMEParser.parse(bytes)
        XCTAssertEqual(root.contentType.mimeType, "text/plain")
        XCTAssertEqual(root.headers["subject"], "Re: Hello")
        XCTAssertNil(root.headers["in-reply-to"])
    }
}
