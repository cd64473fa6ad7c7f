// SMIMEHeaderProtectionTests: the wire message around an S/MIME entity (ProtectedMessage): routing
// headers outside, the real Subject only inside the part `openssl cms -decrypt` recovers.

import Foundation
import MessageCrypto
import XCTest

final class SMIMEHeaderProtectionTests: XCTestCase {
    private var tool: OpenSSLTool!
    private var rsa: OpenSSLTool.Identity!

    override func setUpWithError() throws {
        tool = try OpenSSLTool()
        rsa = try tool.issue("alice", email: "alice@example.org", key: .rsa2048, keyUsage: "keyEncipherment")
    }

    override func tearDown() { tool = nil }

    // Bare LFs on purpose: the builder must canonicalise outside and inside.
    static let original = Array("""
        Received: from ehr.clinic.example by gw.clinic.example; Wed, 2 Dec 2026 10:00:00 +0000
        From: Dr. Who <phi@clinic.example>
        To: alice@example.org
        Cc: records@clinic.example
        Subject: Lab results for John Smith,
         SSN 078-05-1120
        Date: Wed, 2 Dec 2026 10:00:00 +0000
        Message-ID: <abc123@clinic.example>
        Keywords: oncology
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        Results attached. Grüße.

        """.utf8)

    private func encryptedWire(_ protection: HeaderProtection) throws -> [UInt8] {
        let der = try rsa.certDER()
        return try ProtectedMessage.build(original: Self.original, protection: protection) { payload in
            try SMIMEEncryptor().encrypt(entity: payload, recipientCertificatesDER: [der])
        }
    }

    func testProtectedSubjectIsNeutralOutsideAndRealInside() throws {
        let wire = try encryptedWire(HeaderProtection(protectSubject: true))
        let (outer, _) = splitMessage(wire)
        XCTAssertEqual(outer, [
            "Received: from ehr.clinic.example by gw.clinic.example; Wed, 2 Dec 2026 10:00:00 +0000",
            "From: Dr. Who <phi@clinic.example>",
            "To: alice@example.org",
            "Cc: records@clinic.example",
            "Subject: [encrypted message]",
            "Date: Wed, 2 Dec 2026 10:00:00 +0000",
            "Message-ID: <abc123@clinic.example>",
            "MIME-Version: 1.0",
            "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=smime.p7m",
            "Content-Description: S/MIME Encrypted Message",
        ])
        XCTAssertFalse(wire.text.contains("078-05-1120"))
        XCTAssertFalse(wire.text.contains("oncology"))
        XCTAssertTrue(wire.indices.allSatisfy { wire[$0] != 0x0A || ($0 > 0 && wire[$0 - 1] == 0x0D) }, "bare LF on the wire")

        let inner = try tool.decrypt(wire, as: rsa)
        XCTAssertEqual(inner.text, """
            From: Dr. Who <phi@clinic.example>\r
            To: alice@example.org\r
            Cc: records@clinic.example\r
            Subject: Lab results for John Smith,\r
             SSN 078-05-1120\r
            Date: Wed, 2 Dec 2026 10:00:00 +0000\r
            Message-ID: <abc123@clinic.example>\r
            Keywords: oncology\r
            HP-Outer: From: Dr. Who <phi@clinic.example>\r
            HP-Outer: To: alice@example.org\r
            HP-Outer: Cc: records@clinic.example\r
            HP-Outer: Subject: [encrypted message]\r
            HP-Outer: Date: Wed, 2 Dec 2026 10:00:00 +0000\r
            HP-Outer: Message-ID: <abc123@clinic.example>\r
            Content-Type: text/plain; charset=utf-8;\r
             hp="cipher"\r
            Content-Transfer-Encoding: 8bit\r
            \r
            Results attached. Grüße.\r

            """)
    }

    /// Outlook and Exchange copy the Subject into Thread-Topic: it must not stay outside.
    func testThreadTopicTravelsOnlyInside() throws {
        let original = Array(String(decoding: Self.original, as: UTF8.self)
            .replacingOccurrences(of: "Keywords: oncology\n",
                                  with: "Keywords: oncology\nThread-Topic: Lab results for John Smith, SSN 078-05-1120\n").utf8)
        let der = try rsa.certDER()
        let wire = try ProtectedMessage.build(original: original, protection: HeaderProtection(protectSubject: true)) { payload in
            try SMIMEEncryptor().encrypt(entity: payload, recipientCertificatesDER: [der])
        }
        let (outer, _) = splitMessage(wire)
        XCTAssertFalse(outer.contains { $0.lowercased().hasPrefix("thread-topic:") }, "Thread-Topic left outside")
        XCTAssertFalse(wire.text.contains("078-05-1120"))
        let inner = try tool.decrypt(wire, as: rsa).text
        XCTAssertTrue(inner.contains("Thread-Topic: Lab results for John Smith, SSN 078-05-1120\r\n"))
    }

    func testNeutralSubjectIsConfigurableAndHPOuterOptional() throws {
        let wire = try encryptedWire(HeaderProtection(protectSubject: true, neutralSubject: "[...]\r\nBcc: x", recordOuterHeaders: false))
        XCTAssertTrue(splitMessage(wire).headers.contains("Subject: [...]??Bcc: x"))
        let inner = try tool.decrypt(wire, as: rsa).text
        XCTAssertTrue(inner.contains("Subject: Lab results for John Smith,\r\n SSN 078-05-1120\r\n"))
        XCTAssertFalse(inner.contains("HP-Outer"))
    }

    func testWithoutProtectionTheInnerEntityIsTheContentAlone() throws {
        let wire = try encryptedWire(.none)
        let (outer, _) = splitMessage(wire)
        XCTAssertTrue(outer.contains("Subject: Lab results for John Smith,"))
        XCTAssertTrue(outer.contains("Keywords: oncology"))
        XCTAssertEqual(outer.filter { $0.hasPrefix("MIME-Version:") }.count, 1)
        XCTAssertFalse(outer.contains("Content-Transfer-Encoding: 8bit"))
        XCTAssertEqual(try tool.decrypt(wire, as: rsa).text,
                       "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nResults attached. Grüße.\r\n")
    }

    func testAMessageWithoutContentTypeGetsTheDefaultOneInside() throws {
        let payload = ProtectedMessage.payload(of: Array("From: a@b.example\nSubject: hi\n\nbody\n".utf8), protection: .none)
        XCTAssertEqual(payload.text, "Content-Type: text/plain; charset=us-ascii\r\n\r\nbody\r\n")
    }

    func testAnEncryptionFailureNeverYieldsTheMessage() throws {
        var produced: [UInt8]?
        XCTAssertThrowsError(produced = try ProtectedMessage.build(original: Self.original, protection: HeaderProtection(protectSubject: true)) {
            try SMIMEEncryptor().encrypt(entity: $0, recipientCertificatesDER: [Array("garbage".utf8)])
        }) { error in
            XCTAssertTrue(error is SMIMEError)
        }
        XCTAssertNil(produced)
    }
}
