// RecipientEncryptionService's PGP/MIME copies against real gpg (temporary GNUPGHOME) and Sequoia's
// sq: they decrypt to the protected payload, and the organisation's signature verifies with both.
import Delivery
import Foundation
import Logging
import MailCore
import MessageCrypto
import XCTest
@testable import Gateway

final class RecipientEncryptionPGPTests: XCTestCase {
    private static var shared: GPGWorkbench?
    private var gpg: GPGWorkbench!
    private var bench: EncryptionWorkbench!
    private let rita = try! MailAddressParser.parse("rita@example.net", allowUTF8: false)

    /// Key generation is slow: one GNUPGHOME for the class.
    override func setUpWithError() throws {
        if Self.shared == nil { Self.shared = try GPGWorkbench() }
        gpg = Self.shared
        bench = try EncryptionWorkbench()
        try bench.store.import(try gpg.export(gpg.recipient, secret: false), now: Date())
    }

    override func tearDown() { bench.remove() }
    override class func tearDown() { shared?.remove(); shared = nil }

    private func service(signing: OrganisationSigningKeys = .none) -> RecipientEncryptionService {
        RecipientEncryptionService(keyStoreDirectory: bench.storeDirectory, signing: signing, domainCiphers: [:],
                                   logger: Logger(label: "test.encryption"))
    }

    func testCopyDecryptsWithGPGAndSqToThePayload() throws {
        let original = EncryptionSample.message(to: "rita@example.net")
        let copy = try service().encrypt(original, for: rita, method: .pgp, sender: nil,
                                         protection: SubjectProtection(protectSubject: false, outerSubject: "x"), now: Date())
        XCTAssertEqual(copy.keyID, "0x" + String(gpg.recipient.suffix(16)), "not gpg's long key id")
        XCTAssertEqual(copy.cipher, "aes-256")
        XCTAssertNil(copy.signedBy)
        let headers = EncryptionSample.headers(copy.message)
        XCTAssertTrue(headers.contains { $0.hasPrefix("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"") }, "\(headers)")
        XCTAssertFalse(String(decoding: copy.message, as: UTF8.self).contains(EncryptionSample.ssn))
        let payload = ProtectedMessage.payload(of: original, protection: .none)
        let armored = try GPGWorkbench.armoredMessage(copy.message)

        let g = try gpg.gpg(["--status-fd", "2", "--decrypt"], stdin: armored)
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual(g.stdout, payload, "gpg decrypted other bytes than the payload")
        XCTAssertTrue(g.stderr.contains("[GNUPG:] DECRYPTION_INFO 2 9"), "not AES-256 with MDC: \(g.stderr)")

        let secret = try gpg.write("rita-secret.asc", try gpg.export(gpg.recipient, secret: true))
        let s = try gpg.tool("/usr/bin/sq", ["decrypt", "--recipient-key", secret], stdin: armored)
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(s.stdout, payload, "sq decrypted other bytes than the payload")
    }

    func testSignedProtectedCopyVerifiesWithGPGAndSq() throws {
        let keyFile = try bench.write(try gpg.export(gpg.organisation, secret: true), "org.sec.asc")
        let signing = try OrganisationSigningKeys.load(smime: [], pgp: [PGPSigningConfig(domain: "example.org", keyPath: keyFile)])
        let original = EncryptionSample.message(to: "rita@example.net")
        let protection = SubjectProtection(protectSubject: true, outerSubject: "[encrypted message]")
        let copy = try service(signing: signing).encrypt(original, for: rita, method: .pgp, sender: nil, protection: protection,
                                                         now: Date())
        XCTAssertEqual(copy.signedBy, "0x" + String(gpg.organisation.suffix(16)))
        XCTAssertTrue(EncryptionSample.headers(copy.message).contains("Subject: [encrypted message]"))
        // The whole subject: three letters alone turn up in base64 ciphertext about once in a hundred runs.
        XCTAssertFalse(String(decoding: copy.message, as: UTF8.self).contains(EncryptionSample.subject))
        let payload = ProtectedMessage.payload(of: original, protection: HeaderProtection(protectSubject: true))
        let armored = try GPGWorkbench.armoredMessage(copy.message)

        let g = try gpg.gpg(["--status-fd", "2", "--decrypt"], stdin: armored)
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual(g.stdout, payload)
        XCTAssertTrue(g.stderr.contains("[GNUPG:] GOODSIG"), g.stderr)
        XCTAssertTrue(g.stderr.contains("[GNUPG:] VALIDSIG \(gpg.organisation)"), "not the organisation's signature: \(g.stderr)")

        let secret = try gpg.write("rita-secret.asc", try gpg.export(gpg.recipient, secret: true))
        let signer = try gpg.write("org-public.asc", try gpg.export(gpg.organisation, secret: false))
        let s = try gpg.tool("/usr/bin/sq", ["decrypt", "--recipient-key", secret, "--signer-cert", signer], stdin: armored)
        XCTAssertEqual(s.status, 0, "sq did not verify the signature: \(s.stderr)")
        XCTAssertEqual(s.stdout, payload)
        XCTAssertTrue(s.stderr.contains("Good signature"), s.stderr)
        // The oracle can fail: against the recipient's own certificate as signer, sq refuses.
        let wrong = try gpg.write("rita-public.asc", try gpg.export(gpg.recipient, secret: false))
        let refused = try gpg.tool("/usr/bin/sq", ["decrypt", "--recipient-key", secret, "--signer-cert", wrong], stdin: armored)
        XCTAssertNotEqual(refused.status, 0)
    }

    /// The docs' sq recipe: a certify-only primary key with a signing subkey signs as well.
    func testSqMadeSigningKeyWithASigningSubkeySigns() throws {
        let keyFile = gpg.home + "/sq-org.sec.asc"
        let made = try gpg.tool("/usr/bin/sq", ["key", "generate", "--userid", "Sq Org <sq@example.org>", "--cannot-encrypt",
                                                "--cannot-authenticate", "--export", keyFile])
        XCTAssertEqual(made.status, 0, made.stderr)
        chmod(keyFile, 0o600)
        let cert = try gpg.tool("/usr/bin/sq", ["key", "extract-cert", keyFile])
        let certFile = try gpg.write("sq-org.pub.asc", cert.stdout)
        let signing = try OrganisationSigningKeys.load(smime: [], pgp: [PGPSigningConfig(domain: "example.org", keyPath: keyFile)])
        let original = EncryptionSample.message(to: "rita@example.net")
        let copy = try service(signing: signing).encrypt(original, for: rita, method: .pgp, sender: nil,
                                                         protection: SubjectProtection(nil), now: Date())
        XCTAssertNotNil(copy.signedBy)
        let secret = try gpg.write("rita-secret.asc", try gpg.export(gpg.recipient, secret: true))
        let s = try gpg.tool("/usr/bin/sq", ["decrypt", "--recipient-key", secret, "--signer-cert", certFile],
                             stdin: try GPGWorkbench.armoredMessage(copy.message))
        XCTAssertEqual(s.status, 0, "sq did not verify the signature: \(s.stderr)")
        XCTAssertEqual(s.stdout, ProtectedMessage.payload(of: original, protection: .none))
    }

    func testRemovedKeyThrowsAndNamesNoContent() throws {
        XCTAssertEqual(service().availability(of: rita, method: .pgp, now: Date()), .available(keyID: "0x" + String(gpg.recipient.suffix(16))))
        try bench.store.remove(addressOrFingerprint: "rita@example.net")
        XCTAssertEqual(service().availability(of: rita, method: .pgp, now: Date()), .missing)
        XCTAssertThrowsError(try service().encrypt(EncryptionSample.message(to: "rita@example.net"), for: rita, method: .pgp,
                                                   sender: nil, protection: SubjectProtection(nil), now: Date())) { error in
            XCTAssertEqual(error as? RecipientEncryptionError, .noUsableKey(method: .pgp, reason: "no PGP key on file"))
            XCTAssertEqual("\(error)", "pgp: no PGP key on file")
        }
    }
}
