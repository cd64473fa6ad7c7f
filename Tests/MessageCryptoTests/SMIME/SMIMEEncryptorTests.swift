// SMIMEEncryptorTests: S/MIME output decrypted by the real `openssl cms -decrypt`, for RSA and P-256
// recipients, CBC and GCM, OAEP, bare LFs and 8-bit bodies; unusable certificates give clear errors.

import Foundation
import MessageCrypto
import XCTest

final class SMIMEEncryptorTests: XCTestCase {
    private var tool: OpenSSLTool!
    private var rsa: OpenSSLTool.Identity!
    private var ec: OpenSSLTool.Identity!

    override func setUpWithError() throws {
        tool = try OpenSSLTool()
        rsa = try tool.issue("alice", email: "alice@example.org", key: .rsa2048, keyUsage: "keyEncipherment,digitalSignature")
        ec = try tool.issue("bob", email: "bob@example.net", key: .p256, keyUsage: "keyAgreement,digitalSignature")
    }

    override func tearDown() { tool = nil }

    static let entity = Array("""
        Content-Type: text/plain; charset=us-ascii\r
        Content-Transfer-Encoding: 7bit\r
        \r
        Patient SSN 078-05-1120, follow-up on Monday.\r
        Second line.\r

        """.utf8)

    func testRSAWithCBCIsEnvelopedDataAndDecryptsByteForByte() throws {
        let out = try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [try rsa.certDER()])
        let (headers, body) = splitMessage(out)
        XCTAssertEqual(headers, ["Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m",
                                 "Content-Transfer-Encoding: base64",
                                 "Content-Disposition: attachment; filename=smime.p7m",
                                 "Content-Description: S/MIME Encrypted Message"])
        let lines = body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertGreaterThan(lines.count, 2)
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.count == 76 }, "base64 not wrapped at 76")
        XCTAssertFalse(out.text.contains("078-05-1120"))
        XCTAssertEqual(try tool.decrypt(out, as: rsa), Self.entity)
        let structure = try tool.printStructure(out)
        XCTAssertTrue(structure.contains("pkcs7-envelopedData"), structure)
        XCTAssertTrue(structure.contains("aes-256-cbc"), structure)
        XCTAssertTrue(structure.contains("rsaEncryption"), structure)
    }

    func testRSAWithGCMIsAuthEnvelopedDataAndDecrypts() throws {
        let out = try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [try rsa.certDER()], cipher: .aes256GCM)
        XCTAssertTrue(out.text.hasPrefix("Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data; name=smime.p7m\r\n"))
        let structure = try tool.printStructure(out)
        XCTAssertTrue(structure.contains("id-smime-ct-authEnvelopedData"), structure)
        XCTAssertTrue(structure.contains("aes-256-gcm"), structure)
        XCTAssertEqual(try tool.decrypt(out, as: rsa), Self.entity)
    }

    func testP256RecipientUsesKeyAgreementWithBothCiphers() throws {
        for cipher in SMIMECipher.allCases {
            let out = try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [try ec.certDER()], cipher: cipher)
            XCTAssertEqual(try tool.decrypt(out, as: ec), Self.entity, "\(cipher)")
            let structure = try tool.printStructure(out)
            XCTAssertTrue(structure.contains("d.kari"), "no key agreement recipient for \(cipher): \(structure)")
        }
    }

    func testOAEPForRSARecipients() throws {
        let out = try SMIMEEncryptor(rsaPadding: .oaep).encrypt(entity: Self.entity, recipientCertificatesDER: [try rsa.certDER()])
        XCTAssertTrue(try tool.printStructure(out).contains("rsaesOaep"))
        XCTAssertEqual(try tool.decrypt(out, as: rsa), Self.entity)
    }

    func testEveryRecipientCanDecryptTheOneCopy() throws {
        let out = try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [try rsa.certDER(), try ec.certDER()])
        XCTAssertEqual(try tool.decrypt(out, as: rsa), Self.entity)
        XCTAssertEqual(try tool.decrypt(out, as: ec), Self.entity)
    }

    func testBareLineFeedsBecomeCRLFAndExistingCRLFIsNotDoubled() throws {
        let mixed = Array("Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\nline one\nline two\r\nline three\n".utf8)
        let canonical = Array("Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\nline one\r\nline two\r\nline three\r\n".utf8)
        let out = try SMIMEEncryptor().encrypt(entity: mixed, recipientCertificatesDER: [try rsa.certDER()])
        XCTAssertEqual(try tool.decrypt(out, as: rsa), canonical)
    }

    func testEightBitBodyComesBackUnchanged() throws {
        var entity = Array("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".utf8)
        entity += Array("Grüße, Ärztin Müller: Befund für Zoë\r\n".utf8) + [0xC3, 0xA9, 0xFF, 0x80, 0x0D, 0x0A]
        for cipher in SMIMECipher.allCases {
            let out = try SMIMEEncryptor().encrypt(entity: entity, recipientCertificatesDER: [try rsa.certDER()], cipher: cipher)
            XCTAssertTrue(out.allSatisfy { $0 < 0x80 }, "the S/MIME entity must be 7-bit")
            XCTAssertEqual(try tool.decrypt(out, as: rsa), entity)
        }
    }

    func testParallelCallsShareNoState() throws {
        // As on a thread pool: several encryptions at once, one of them failing, each correct alone.
        let der = try rsa.certDER()
        let results = UnsafeMutableBufferPointer<[UInt8]?>.allocate(capacity: 8)
        defer { results.deallocate() }
        results.initialize(repeating: nil)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let certs = i == 3 ? [Array("bad".utf8)] : [der]
            let entity = Self.entity + Array("copy \(i)\r\n".utf8)
            results[i] = try? SMIMEEncryptor().encrypt(entity: entity, recipientCertificatesDER: certs, cipher: i % 2 == 0 ? .aes256CBC : .aes256GCM)
        }
        for i in 0..<8 {
            if i == 3 { XCTAssertNil(results[i]); continue }
            let out = try XCTUnwrap(results[i])
            XCTAssertEqual(try tool.decrypt(out, as: rsa), Self.entity + Array("copy \(i)\r\n".utf8))
        }
    }

    func testGarbageCertificateIsRefusedWithItsPosition() throws {
        let garbage = Array("not a certificate at all".utf8)
        XCTAssertThrowsError(try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [try rsa.certDER(), garbage])) { error in
            guard case SMIMEError.badCertificate(index: 1, _) = error else { return XCTFail("unexpected \(error)") }
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix("S/MIME: recipient certificate 2 is unusable: not a DER X.509 certificate"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        var truncated = try rsa.certDER()
        truncated.removeLast(10)
        XCTAssertThrowsError(try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [truncated]))
        XCTAssertThrowsError(try SMIMEEncryptor().encrypt(entity: Self.entity, recipientCertificatesDER: [])) { error in
            XCTAssertEqual(error as? SMIMEError, .noRecipients)
        }
    }
}
