// RecipientEncryptionService's S/MIME copies against the real openssl: they decrypt with the
// recipient's key to the protected payload, with the cipher per key or per domain, signed when configured.
import Delivery
import Foundation
import Logging
import MailCore
import MessageCrypto
import XCTest
@testable import Gateway

final class RecipientEncryptionSMIMETests: XCTestCase {
    private var bench: EncryptionWorkbench!
    private let logger = Logger(label: "test.encryption")

    override func setUpWithError() throws { bench = try EncryptionWorkbench() }
    override func tearDown() { bench.remove() }

    private func service(ciphers: [String: SMIMECipher] = [:], signing: OrganisationSigningKeys = .none) -> RecipientEncryptionService {
        RecipientEncryptionService(keyStoreDirectory: bench.storeDirectory, signing: signing, domainCiphers: ciphers, logger: logger)
    }

    private func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: false) }

    private static let unprotected = SubjectProtection(protectSubject: false, outerSubject: "[encrypted message]")

    func testKeyCipherGCMDecryptsToThePayloadWithTheRealSubjectOutside() throws {
        let alice = try bench.certificate("alice", email: "alice@example.net")
        let entry = try bench.importCertificate(alice, cipher: .aes256GCM)
        let original = EncryptionSample.message(to: "alice@example.net")
        let copy = try service().encrypt(original, for: try address("alice@example.net"), method: .smime, sender: nil,
                                         protection: Self.unprotected, now: Date())
        XCTAssertEqual(copy.cipher, "aes-256-gcm")
        XCTAssertEqual(copy.keyID, KeyStoreAvailability.keyID(entry))
        XCTAssertEqual(copy.keyID, "sha256:" + String(try bench.fingerprint(alice).prefix(16)), "not openssl's fingerprint")
        XCTAssertNil(copy.signedBy)
        let headers = EncryptionSample.headers(copy.message)
        XCTAssertTrue(headers.contains { $0.hasPrefix("Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data") }, "\(headers)")
        XCTAssertTrue(headers.contains("Subject: \(EncryptionSample.subject)"), "protection is off: the real Subject stays outside")
        XCTAssertTrue(try bench.printStructure(copy.message).contains("aes-256-gcm"))
        XCTAssertFalse(String(decoding: copy.message, as: UTF8.self).contains(EncryptionSample.ssn), "the body left in plaintext")
        XCTAssertEqual(try bench.decrypt(copy.message, as: alice), ProtectedMessage.payload(of: original, protection: .none))
    }

    func testDomainCipherAppliesToKeysWithoutOneAndTheDefaultIsCBC() throws {
        let alice = try bench.certificate("alice", email: "alice@example.net", ec: true)
        let carol = try bench.certificate("carol", email: "carol@example.net")
        let bob = try bench.certificate("bob", email: "bob@example.com")
        try bench.importCertificate(alice)
        try bench.importCertificate(carol, cipher: .aes256CBC)  // the key's own choice beats the domain's
        try bench.importCertificate(bob)
        let gateway = service(ciphers: ["example.net": .aes256GCM])
        for (who, identity, cipher, type) in [("alice@example.net", alice, "aes-256-gcm", "authEnveloped-data"),
                                              ("carol@example.net", carol, "aes-256-cbc", "enveloped-data"),
                                              ("bob@example.com", bob, "aes-256-cbc", "enveloped-data")] {
            let original = EncryptionSample.message(to: who)
            let copy = try gateway.encrypt(original, for: try address(who), method: .smime, sender: nil,
                                           protection: Self.unprotected, now: Date())
            XCTAssertEqual(copy.cipher, cipher, who)
            XCTAssertTrue(EncryptionSample.headers(copy.message).contains { $0.contains("smime-type=\(type);") }, who)
            XCTAssertTrue(try bench.printStructure(copy.message).contains(cipher), "\(who): openssl sees another cipher")
            XCTAssertEqual(try bench.decrypt(copy.message, as: identity), ProtectedMessage.payload(of: original, protection: .none), who)
        }
    }

    func testProtectedSubjectIsNeutralOutsideAndRealOnlyInside() throws {
        let alice = try bench.certificate("alice", email: "alice@example.net")
        try bench.importCertificate(alice)
        let original = EncryptionSample.message(to: "alice@example.net")
        let protection = SubjectProtection(protectSubject: true, outerSubject: "[secure message]")
        let copy = try service().encrypt(original, for: try address("alice@example.net"), method: .smime, sender: nil,
                                         protection: protection, now: Date())
        let headers = EncryptionSample.headers(copy.message)
        XCTAssertTrue(headers.contains("Subject: [secure message]"), "\(headers)")
        XCTAssertTrue(headers.contains("To: alice@example.net"))
        let wire = String(decoding: copy.message, as: UTF8.self)
        XCTAssertFalse(wire.contains(EncryptionSample.subject) || wire.contains(EncryptionSample.ssn), "PHI outside the encryption")
        let inside = try bench.decrypt(copy.message, as: alice)
        XCTAssertEqual(inside, ProtectedMessage.payload(of: original, protection: HeaderProtection(protectSubject: true,
                                                                                                   neutralSubject: "[secure message]")))
        XCTAssertTrue(String(decoding: inside, as: UTF8.self).contains("Subject: \(EncryptionSample.subject)\r\n"))
    }

    func testSignedByTheFromDomainsCertificateVerifiesAfterDecryption() throws {
        let alice = try bench.certificate("alice", email: "alice@example.net")
        try bench.importCertificate(alice)
        let org = try bench.certificate("org", email: "postmaster@example.org", signing: true)
        let signing = try OrganisationSigningKeys.load(
            smime: [SMIMESigningConfig(domain: "example.org", certificatePath: org.certPath, keyPath: org.keyPath, chainPath: nil)], pgp: [])
        let gateway = service(signing: signing)
        let original = EncryptionSample.message(to: "alice@example.net")
        // The From domain (example.org) chooses the key, not the envelope sender's.
        let copy = try gateway.encrypt(original, for: try address("alice@example.net"), method: .smime,
                                       sender: try address("bounces@other.example"), protection: Self.unprotected, now: Date())
        XCTAssertEqual(copy.signedBy, "sha256:" + String(try bench.fingerprint(org).prefix(16)))
        let inside = try bench.decrypt(copy.message, as: alice)
        XCTAssertTrue(String(decoding: inside, as: UTF8.self).hasPrefix("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\""))
        let verified = try bench.verify(inside, caFile: org.certPath)
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stderr.contains("Verification successful"), verified.stderr)
        XCTAssertEqual(CRLFCanonical.form(of: verified.stdout), ProtectedMessage.payload(of: original, protection: .none))
        // The oracle can fail: another certificate as the trust anchor does not verify it.
        let stranger = try bench.certificate("stranger", email: "x@example.org", signing: true)
        XCTAssertNotEqual(try bench.verify(inside, caFile: stranger.certPath).status, 0)
    }

    func testSigningDomainIsTheFromDomainElseTheEnvelopeSendersAndAnExpiredCertificateSignsNothing() throws {
        let alice = try bench.certificate("alice", email: "alice@example.net")
        try bench.importCertificate(alice)
        let org = try bench.certificate("org", email: "postmaster@example.org", signing: true, days: 1)
        let identity = try SMIMESigningIdentity(certificatePEM: try bench.bytes(org.certPath), keyPEM: try bench.bytes(org.keyPath))
        let gateway = service(signing: OrganisationSigningKeys(smime: ["example.org": identity], pgp: [:]))
        let to = try address("alice@example.net"), envelope = try address("sender@example.org")
        func signedBy(_ message: [UInt8], now: Date = Date()) throws -> String? {
            try gateway.encrypt(message, for: to, method: .smime, sender: envelope, protection: Self.unprotected, now: now).signedBy
        }
        let fromElsewhere = EncryptionSample.message(from: "someone@other.example", to: "alice@example.net")
        XCTAssertNil(try signedBy(fromElsewhere), "signed for a From domain that has no key of its own")
        let noFrom = Array(String(decoding: EncryptionSample.message(to: "alice@example.net"), as: UTF8.self)
            .replacingOccurrences(of: "From: Dr. Who <doctor@example.org>\n", with: "").utf8)
        XCTAssertNotNil(try signedBy(noFrom), "no From: the envelope sender's domain chooses")
        let later = identity.notAfter.addingTimeInterval(3600)
        let copy = try gateway.encrypt(noFrom, for: to, method: .smime, sender: envelope, protection: Self.unprotected, now: later)
        XCTAssertNil(copy.signedBy, "signed with an expired certificate")
        XCTAssertEqual(try bench.decrypt(copy.message, as: alice), ProtectedMessage.payload(of: noFrom, protection: .none))
    }
}
