// RecipientKeyStore against openssl certificates and gpg keys: import then lookup, expired never
// returned, remove, refusals leave the files byte-identical, stray key files ignored, concurrent imports.

import Foundation
import MailCore
import MessageCrypto
import XCTest

final class RecipientKeyStoreTests: XCTestCase {
    var dir = ""
    var tool: OpenSSLTool!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "sealgate-keys-" + UUID().uuidString + "/certs/recipients"
        tool = try OpenSSLTool()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent)
        tool = nil
    }

    override class func tearDown() { PGPFixture.removeShared() }

    func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: false) }

    func testImportThenLookupBothKinds() throws {
        let store = RecipientKeyStore(directory: dir)
        let cert = try tool.recipient("bob", key: .rsa2048, email: "Bob@example.net")
        let added = try store.import(try cert.certPEM(), now: Date(), cipher: .aes256GCM)
        let fp = try tool.sha256Fingerprint(cert)
        XCTAssertEqual(added.map(\.address), ["bob@example.net"])
        XCTAssertEqual(added.first?.fingerprint, fp)
        XCTAssertEqual(added.first?.notAfter, try tool.date(cert, "enddate"))

        let f = try PGPFixture.shared()
        let pgp = try store.import(try f.home.exportPublic(f.bob, armored: true), now: Date())
        XCTAssertEqual(pgp.map(\.fingerprint), [f.bob])

        let bob = try address("bob@EXAMPLE.net")
        XCTAssertEqual(Set(try store.entries(for: bob).map(\.kind)), [.smime, .pgp])
        let smime = try XCTUnwrap(try store.usableKey(for: bob, kind: .smime, now: Date()).key)
        XCTAssertEqual(smime.bytes, try cert.certDER())
        XCTAssertEqual(smime.entry.cipher, .aes256GCM)
        let key = try XCTUnwrap(try store.usableKey(for: bob, kind: .pgp, now: Date()).key)
        XCTAssertEqual(key.bytes, try f.home.exportPublic(f.bob, armored: true))

        // The layout: 0700 directory, 0600 files named by fingerprint, the index naming both.
        XCTAssertEqual(try mode(dir), 0o700)
        for name in ["index.json", "\(fp).smime.der", "\(f.bob).pgp"] { XCTAssertEqual(try mode(dir + "/" + name), 0o600, name) }
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/index.json"))) as? [String: Any]
        let lines = (index?["recipients"] as? [String: Any])?["bob@example.net"] as? [[String: Any]]
        XCTAssertEqual(lines?.compactMap { $0["fingerprint"] as? String }, [fp, f.bob])
        XCTAssertEqual(lines?.first?["cipher"] as? String, "aes-256-gcm")
        XCTAssertEqual(try store.usableKey(for: try address("carol@example.net"), kind: .smime, now: Date()),
                       .unavailable("no certificate on file"))
    }

    func testExpiredIsNeverReturnedAndTheLongestValidWins() throws {
        let store = RecipientKeyStore(directory: dir)
        let short = try tool.recipient("short", email: "ann@example.net", days: 5)
        let long = try tool.recipient("long", email: "ann@example.net", days: 40)
        try store.import(try short.certPEM(), now: Date())
        try store.import(try long.certPEM(), now: Date())
        let ann = try address("ann@example.net")
        XCTAssertEqual(try store.entries(for: ann).count, 2)
        XCTAssertEqual(try store.usableKey(for: ann, kind: .smime, now: Date()).key?.bytes, try long.certDER())

        let end = try tool.date(long, "enddate")
        XCTAssertEqual(try store.usableKey(for: ann, kind: .smime, now: end.addingTimeInterval(3600)),
                       .unavailable("certificate \(try tool.sha256Fingerprint(long)) expired \(OpenSSLTool.day(end))"))
        XCTAssertEqual(try store.usableKey(for: ann, kind: .pgp, now: Date()), .unavailable("no PGP key on file"))
    }

    func testRemoveByAddressAndByFingerprint() throws {
        let store = RecipientKeyStore(directory: dir)
        let a = try tool.recipient("a", email: "a@example.net"), b = try tool.recipient("b", email: "b@example.net")
        try store.import(try a.certPEM(), now: Date())
        try store.import(try b.certDER(), now: Date())
        let fpA = try tool.sha256Fingerprint(a), fpB = try tool.sha256Fingerprint(b)

        XCTAssertEqual(try store.remove(addressOrFingerprint: "A@Example.net").map(\.fingerprint), [fpA])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/\(fpA).smime.der"))
        XCTAssertEqual(try store.list().map(\.address), ["b@example.net"])

        XCTAssertEqual(try store.remove(addressOrFingerprint: fpB.uppercased()).map(\.address), ["b@example.net"])
        XCTAssertEqual(try store.list(), [])
        XCTAssertThrowsError(try store.remove(addressOrFingerprint: fpB)) { XCTAssertEqual("\($0)", "no key on file for \(fpB)") }
    }

    func testRefusedImportsLeaveTheStoreByteIdentical() throws {
        let store = RecipientKeyStore(directory: dir)
        try store.import(try tool.recipient("ok", email: "ok@example.net").certPEM(), now: Date())
        let before = try snapshot()
        let signOnly = try tool.recipient("sign", email: "sign@example.net", keyUsage: "digitalSignature")
        let f = try PGPFixture.shared()
        let cases: [([UInt8], String)] = [
            (try signOnly.certPEM(), "certificate \(try tool.sha256Fingerprint(signOnly)) refused: key usage allows neither keyEncipherment nor keyAgreement"),
            (try tool.recipient("anon", email: nil).certPEM(), "no email address in subjectAltName"),
            (Array("just text\n".utf8), "not a key: neither a certificate (PEM or DER) nor an OpenPGP public key"),
            (try f.home.exportPublic(f.carol, armored: true), "PGP key \(f.carol) refused: no encryption-capable subkey"),
            (try f.home.exportPublic(f.bob, armored: true), "--cipher applies to S/MIME certificates only, not to OpenPGP keys"),
            (try tool.recipient("old", email: "old@example.net", days: 1).certPEM(), "expired "),
        ]
        for (i, (bytes, reason)) in cases.enumerated() {
            let now = i == 5 ? Date().addingTimeInterval(3 * 86_400) : Date()
            XCTAssertThrowsError(try store.import(bytes, now: now, cipher: i == 4 ? .aes256CBC : nil)) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
            XCTAssertEqual(try snapshot(), before, "case \(i) changed the store")
        }
        // Nothing at all is created for a refusal into a store that does not exist yet.
        let fresh = RecipientKeyStore(directory: dir + "-fresh")
        XCTAssertThrowsError(try fresh.import(try signOnly.certPEM(), now: Date()))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "-fresh"))
    }

    func testAKeyFileWithoutIndexEntryIsIgnored() throws {
        let store = RecipientKeyStore(directory: dir)
        try store.import(try tool.recipient("first", email: "first@example.net").certPEM(), now: Date())
        // A crash between the key file and the index: the file is there, the index does not name it.
        let stray = try tool.recipient("stray", email: "stray@example.net")
        let strayPath = dir + "/\(try tool.sha256Fingerprint(stray)).smime.der"
        try Data(try stray.certDER()).write(to: URL(fileURLWithPath: strayPath))
        XCTAssertEqual(try store.list().map(\.address), ["first@example.net"])
        let who = try address("stray@example.net")
        XCTAssertEqual(try store.usableKey(for: who, kind: .smime, now: Date()), .unavailable("no certificate on file"))
        // A fresh store reading the same directory agrees; importing the key for real then works.
        XCTAssertEqual(try RecipientKeyStore(directory: dir).entries(for: who), [])
        try store.import(try stray.certPEM(), now: Date())
        XCTAssertEqual(try store.usableKey(for: who, kind: .smime, now: Date()).key?.bytes, try stray.certDER())
    }

    func testAnotherProcessesImportIsSeenWithoutRestart() throws {
        let daemon = RecipientKeyStore(directory: dir), cli = RecipientKeyStore(directory: dir)
        XCTAssertEqual(try daemon.list(), [])
        try cli.import(try tool.recipient("late", email: "late@example.net").certPEM(), now: Date())
        XCTAssertEqual(try daemon.list().map(\.address), ["late@example.net"])
        try cli.remove(addressOrFingerprint: "late@example.net")
        XCTAssertEqual(try daemon.list(), [])
    }

    func testConcurrentImportsFromTwoThreadsBothLand() throws {
        let certs = try (0..<8).map { try tool.recipient("c\($0)", email: "c\($0)@example.net").certPEM() }
        let failures = NSLock()
        var errors: [String] = []
        // Two threads, each with its own store (as two `keys import` processes would be), four imports each.
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            let store = RecipientKeyStore(directory: dir)
            for i in stride(from: thread, to: certs.count, by: 2) {
                do { try store.import(certs[i], now: Date()) } catch {
                    failures.lock(); errors.append("\(error)"); failures.unlock()
                }
            }
        }
        XCTAssertEqual(errors, [])
        XCTAssertEqual(try RecipientKeyStore(directory: dir).list().map(\.address).sorted(),
                       (0..<8).map { "c\($0)@example.net" }.sorted())
    }

    func testSwappedKeyFilesAreNotUsedAndAnExpiredPGPKeySaysWhen() throws {
        let store = RecipientKeyStore(directory: dir)
        let cert = try tool.recipient("swap", email: "swap@example.net"), other = try tool.recipient("other", email: "o@example.net")
        try store.import(try cert.certPEM(), now: Date())
        let fp = try tool.sha256Fingerprint(cert)
        try Data(try other.certDER()).write(to: URL(fileURLWithPath: dir + "/\(fp).smime.der"))
        XCTAssertEqual(try store.usableKey(for: try address("swap@example.net"), kind: .smime, now: Date()),
                       .unavailable("certificate \(fp): key file does not match its fingerprint"))

        let f = try PGPFixture.shared()
        try store.import(try f.home.exportPublic(f.bob, armored: false), now: Date())
        let bob = try address("bob@example.net")
        let expiry = try XCTUnwrap(try store.entries(for: bob).first?.notAfter)
        XCTAssertEqual(expiry, Date(timeIntervalSince1970: try XCTUnwrap(try f.field(f.bob, "pub", 6).flatMap(TimeInterval.init))))
        XCTAssertEqual(try store.usableKey(for: bob, kind: .pgp, now: expiry.addingTimeInterval(86_400)),
                       .unavailable("PGP key \(f.bob) expired \(OpenSSLTool.day(expiry))"))
        try Data(try f.home.exportPublic(f.dana, armored: false)).write(to: URL(fileURLWithPath: dir + "/\(f.bob).pgp"))
        XCTAssertEqual(try store.usableKey(for: bob, kind: .pgp, now: Date()),
                       .unavailable("PGP key \(f.bob): key file does not match its fingerprint"))
    }

    // MARK: helpers

    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// Every file of the store: name, mode and bytes.
    private func snapshot() throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            out[name] = "\(try mode(dir + "/" + name)) \(data.base64EncodedString())"
        }
        return out
    }
}
