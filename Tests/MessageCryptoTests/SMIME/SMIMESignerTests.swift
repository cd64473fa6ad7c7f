// SMIMESignerTests: multipart/signed made by SMIMESigner, then encrypted, verifies with the real
// `openssl cms -verify -CAfile` after `openssl cms -decrypt`; bad signing material is refused.

import Foundation
import MessageCrypto
import XCTest

final class SMIMESignerTests: XCTestCase {
    private var tool: OpenSSLTool!

    override func setUpWithError() throws { tool = try OpenSSLTool() }
    override func tearDown() { tool = nil }

    func testSignedThenEncryptedDecryptsAndVerifies() throws {
        let signer = try tool.issue("sender", email: "phi@clinic.example", key: .rsa2048, keyUsage: "digitalSignature")
        let recipient = try tool.issue("carol", email: "carol@example.org", key: .p256, keyUsage: "keyAgreement")
        let entity = Array("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nBefund für Zoë\n".utf8)

        let signed = try SMIMESigner().sign(entity: entity, certificatePEM: try signer.certPEM(), keyPEM: try signer.keyPEM())
        let signedText = signed.text
        XCTAssertTrue(signedText.hasPrefix("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary="))
        let out = try SMIMEEncryptor().encrypt(entity: signed, recipientCertificatesDER: [try recipient.certDER()])

        let decrypted = try tool.decrypt(out, as: recipient)
        XCTAssertEqual(decrypted, signed)
        let input = try tool.write(decrypted, "signed.eml")
        // No -binary here: OpenSSL 3.0's multipart reader in binary mode strips only the LF of the
        // CRLF that belongs to the boundary (RFC 2046 §5.1.1), so it would verify one byte too many.
        let verified = try tool.run(["cms", "-verify", "-CAfile", tool.caPath, "-in", input, "-inform", "SMIME"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stderr.contains("Verification successful"), verified.stderr)
        XCTAssertEqual(CRLFCanonical.form(of: verified.stdout), CRLFCanonical.form(of: entity))

        // A changed byte in the signed part must fail verification (the test can fail).
        let tampered = Array(decrypted.text.replacingOccurrences(of: "Befund", with: "Befunt").utf8)
        let tamperedPath = try tool.write(tampered, "tampered.eml")
        let bad = try tool.run(["cms", "-verify", "-CAfile", tool.caPath, "-in", tamperedPath, "-inform", "SMIME"])
        XCTAssertNotEqual(bad.status, 0)
    }

    func testHeaderProtectedSignedAndEncryptedMessageVerifiesWithTheRealSubjectInside() throws {
        let signer = try tool.issue("sender", email: "phi@clinic.example", key: .p256, keyUsage: "digitalSignature")
        let recipient = try tool.issue("dave", email: "dave@example.org", key: .rsa2048, keyUsage: "keyEncipherment")
        let original = Array("From: phi@clinic.example\nTo: dave@example.org\nSubject: HIV test result\nContent-Type: text/plain\n\nNegative.\n".utf8)
        let (cert, key, der) = (try signer.certPEM(), try signer.keyPEM(), try recipient.certDER())
        let wire = try ProtectedMessage.build(original: original, protection: HeaderProtection(protectSubject: true)) { payload in
            try SMIMEEncryptor().encrypt(entity: try SMIMESigner().sign(entity: payload, certificatePEM: cert, keyPEM: key),
                                         recipientCertificatesDER: [der])
        }
        XCTAssertTrue(splitMessage(wire).headers.contains("Subject: [encrypted message]"))
        XCTAssertFalse(wire.text.contains("HIV"))
        let input = try tool.write(try tool.decrypt(wire, as: recipient), "hp-signed.eml")
        let verified = try tool.run(["cms", "-verify", "-CAfile", tool.caPath, "-in", input, "-inform", "SMIME"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stdout.text.contains("Subject: HIV test result"), verified.stdout.text)
        XCTAssertTrue(verified.stdout.text.contains("hp=\"cipher\""))
    }

    func testKeyThatDoesNotMatchTheCertificateIsRefused() throws {
        let one = try tool.issue("one", email: "one@clinic.example", key: .rsa2048, keyUsage: "digitalSignature")
        let two = try tool.issue("two", email: "two@clinic.example", key: .rsa2048, keyUsage: "digitalSignature")
        XCTAssertThrowsError(try SMIMESigner().sign(entity: Array("Content-Type: text/plain\r\n\r\nx\r\n".utf8),
                                                    certificatePEM: try one.certPEM(), keyPEM: try two.keyPEM())) { error in
            XCTAssertEqual(String(describing: error), "S/MIME: signing certificate or key unusable: the key does not match the certificate")
        }
        XCTAssertThrowsError(try SMIMESigner().sign(entity: [], certificatePEM: Array("junk".utf8), keyPEM: try one.keyPEM())) { error in
            XCTAssertEqual(String(describing: error), "S/MIME: signing certificate or key unusable: no PEM certificate found")
        }
    }
}
