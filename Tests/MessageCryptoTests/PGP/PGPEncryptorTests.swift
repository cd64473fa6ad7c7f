// PGPEncryptor against real software: gpg (temporary GNUPGHOME) and Sequoia's sq decrypt what it
// wrote to the exact CRLF-canonical original, verify its signature, and the output is RFC 3156.
import Foundation
import MessageCrypto
import MIME
import XCTest

final class PGPEncryptorTests: XCTestCase {
    override class func tearDown() { PGPFixture.removeShared() }

    /// An entity written with bare LF (and one bare CR) line ends, and the CRLF form it must decrypt to.
    static let original = Array("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\nSubject: lab results\n\nPatient SSN 123-45-6789\r\nline two\rline three\n".utf8)
    static let canonical = Array("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\nSubject: lab results\r\n\r\nPatient SSN 123-45-6789\r\nline two\r\nline three\r\n".utf8)

    func testRSARecipientDecryptsWithGPGToTheCanonicalOriginal() throws {
        let f = try PGPFixture.shared()
        XCTAssertEqual(try f.field(f.bob, "pub", 3), "1", "gpg's default key is not RSA here")
        let out = try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [try f.home.exportPublic(f.bob, armored: true)], signingKey: nil)
        let armored = try Self.armoredPart(out)
        let r = try f.home.gpg(["--status-fd", "2", "--decrypt"], stdin: armored)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual([UInt8](r.stdout), Self.canonical, "gpg decrypted other bytes than the CRLF-canonical original")
        XCTAssertTrue(r.stderr.contains("[GNUPG:] DECRYPTION_OKAY"), r.stderr)
        // DECRYPTION_INFO <mdc method> <symmetric algorithm>: 9 is AES-256 (RFC 4880 §9.2).
        XCTAssertTrue(r.stderr.contains("[GNUPG:] DECRYPTION_INFO 2 9"), "not AES-256 with MDC: \(r.stderr)")
        XCTAssertFalse(r.stderr.contains("GOODSIG"), "an unsigned message carries a signature")
    }

    func testCurve25519RecipientFromABinaryKeyDecryptsWithGPGAndSq() throws {
        let f = try PGPFixture.shared()
        let out = try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [try f.home.exportPublic(f.dana, armored: false)], signingKey: nil)
        let armored = try Self.armoredPart(out)
        let g = try f.home.gpg(["--decrypt"], stdin: armored)
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual([UInt8](g.stdout), Self.canonical)
        let secret = try f.home.write("dana-secret.asc", try f.home.exportSecret(f.dana))
        let s = try f.home.run("/usr/bin/sq", ["decrypt", "--recipient-key", secret], stdin: armored)
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual([UInt8](s.stdout), Self.canonical, "sq decrypted other bytes than the CRLF-canonical original")
    }

    func testEveryRecipientOfOneMessageDecryptsItWithSq() throws {
        let f = try PGPFixture.shared()
        let keys = [try f.home.exportPublic(f.bob, armored: true), try f.home.exportPublic(f.dana, armored: true)]
        let armored = try Self.armoredPart(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: keys, signingKey: nil))
        for (name, fpr) in [("bob", f.bob), ("dana", f.dana)] {
            let secret = try f.home.write("\(name)-only.asc", try f.home.exportSecret(fpr))
            let s = try f.home.run("/usr/bin/sq", ["decrypt", "--recipient-key", secret], stdin: armored)
            XCTAssertEqual(s.status, 0, "\(name): \(s.stderr)")
            XCTAssertEqual([UInt8](s.stdout), Self.canonical, name)
        }
    }

    func testSignedMessageVerifiesWithGPGAndSq() throws {
        let f = try PGPFixture.shared()
        let out = try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [try f.home.exportPublic(f.bob, armored: true)],
                                           signingKey: try f.home.exportSecret(f.org))
        let armored = try Self.armoredPart(out)
        let g = try f.home.gpg(["--status-fd", "2", "--decrypt"], stdin: armored)
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual([UInt8](g.stdout), Self.canonical)
        XCTAssertTrue(g.stderr.contains("[GNUPG:] GOODSIG"), "gpg saw no good signature: \(g.stderr)")
        XCTAssertTrue(g.stderr.contains("[GNUPG:] VALIDSIG \(f.org)"), "not signed by the organisation's key: \(g.stderr)")
        // VALIDSIG fpr date ts expire version reserved pubkey-algo hash-algo ...: 8 is SHA-256.
        let validsig = g.stderr.split(separator: "\n").first { $0.hasPrefix("[GNUPG:] VALIDSIG") }?.split(separator: " ")
        XCTAssertEqual(validsig?[safe: 9], "8", "not hashed with SHA-256: \(g.stderr)")

        let secret = try f.home.write("bob-secret.asc", try f.home.exportSecret(f.bob))
        let signer = try f.home.write("org-public.asc", try f.home.exportPublic(f.org, armored: true))
        let s = try f.home.run("/usr/bin/sq", ["decrypt", "--recipient-key", secret, "--signer-cert", signer], stdin: armored)
        XCTAssertEqual(s.status, 0, "sq did not verify the signature: \(s.stderr)")
        XCTAssertEqual([UInt8](s.stdout), Self.canonical)
        XCTAssertTrue(s.stderr.contains("Good signature"), s.stderr)

        // The oracle can fail: against another signer's certificate sq refuses the message.
        let other = try f.home.write("carol-public.asc", try f.home.exportPublic(f.carol, armored: true))
        let wrong = try f.home.run("/usr/bin/sq", ["decrypt", "--recipient-key", secret, "--signer-cert", other], stdin: armored)
        XCTAssertNotEqual(wrong.status, 0, "sq accepted a signature from a certificate that did not make it")
    }

    func testOutputIsRFC3156MultipartEncryptedWithTwoParts() throws {
        let f = try PGPFixture.shared()
        let out = try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [try f.home.exportPublic(f.bob, armored: true)], signingKey: nil)
        let root = MIMEParser.parse(out)
        XCTAssertNil(root.defect)
        XCTAssertEqual(root.contentType.type, "multipart")
        XCTAssertEqual(root.contentType.subtype, "encrypted")
        XCTAssertEqual(root.contentType.parameters["protocol"], "application/pgp-encrypted")
        XCTAssertEqual(root.children.count, 2)
        guard root.children.count == 2 else { return }
        let (version, payload) = (root.children[0], root.children[1])
        XCTAssertEqual("\(version.contentType.type)/\(version.contentType.subtype)", "application/pgp-encrypted")
        XCTAssertEqual(String(decoding: version.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), "Version: 1")
        XCTAssertEqual("\(payload.contentType.type)/\(payload.contentType.subtype)", "application/octet-stream")
        XCTAssertTrue(String(decoding: payload.body, as: UTF8.self).hasPrefix("-----BEGIN PGP MESSAGE-----\r\n"))
        let bareLF = out.indices.first { out[$0] == 0x0A && ($0 == 0 || out[$0 - 1] != 0x0D) }
        XCTAssertNil(bareLF, "a bare LF in the output")
        XCTAssertFalse(String(decoding: out, as: UTF8.self).contains("123-45-6789"), "plaintext in the output")
    }

    func testRefusalsSayWhy() throws {
        let f = try PGPFixture.shared()
        let bob = try f.home.exportPublic(f.bob, armored: true)
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [], signingKey: nil)) {
            XCTAssertEqual($0 as? PGPError, .noRecipients)
        }
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [Array("not a key".utf8)], signingKey: nil)) {
            guard case .notAPublicKey? = $0 as? PGPError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [bob], signingKey: bob)) {
            guard case .notASigningKey? = $0 as? PGPError else { return XCTFail("\($0)") }
        }
        let protected = try f.home.exportSecret(f.protectedOrg, passphrase: PGPFixture.protectedPassphrase)
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [bob], signingKey: protected)) {
            XCTAssertEqual($0 as? PGPError, .signingKeyProtected(fingerprint: f.protectedOrg))
        }
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: [], recipientKeys: [bob], signingKey: nil)) {
            XCTAssertEqual($0 as? PGPError, .notAMIMEEntity)
        }
        // One recipient file holding two public keys is one file, not two recipients: refused.
        let two = bob + (try f.home.exportPublic(f.dana, armored: true))
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [two], signingKey: nil)) {
            guard case let .notAPublicKey(why)? = $0 as? PGPError else { return XCTFail("\($0)") }
            XCTAssertTrue(why.contains("holds 2 keys"), why)
        }
        // A sign-only key has nothing to encrypt to: rnp's own result name comes back.
        let carol = try f.home.exportPublic(f.carol, armored: true)
        XCTAssertThrowsError(try PGPEncryptor.encrypt(entity: Self.original, recipientKeys: [carol], signingKey: nil)) {
            guard case let .rnp(_, name, _)? = $0 as? PGPError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "RNP_ERROR_NO_SUITABLE_KEY")
        }
    }

    /// The second part's body (the ASCII-armored OpenPGP message), found by the MIME parser.
    static func armoredPart(_ entity: [UInt8]) throws -> [UInt8] {
        let root = MIMEParser.parse(entity)
        guard root.children.count == 2 else { throw GPGFailure("expected two parts, found \(root.children.count)") }
        return Array(root.children[1].body)
    }
}
