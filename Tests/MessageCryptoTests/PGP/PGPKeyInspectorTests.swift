// PGPKeyInspector against keys made by real gpg: fingerprints, addresses and expiry as
// `gpg --with-colons` prints them; sign-only, expired, revoked and non-key input refused with a reason.
import Foundation
import MessageCrypto
import XCTest

final class PGPKeyInspectorTests: XCTestCase {
    override class func tearDown() { PGPFixture.removeShared() }

    func testFingerprintAddressesAndEncryptionSubkeyMatchGPG() throws {
        let f = try PGPFixture.shared()
        for (fpr, email) in [(f.bob, "bob@example.net"), (f.dana, "dana@example.net")] {
            let now = try Self.created(f, fpr).addingTimeInterval(60)
            for armored in [true, false] {
                let info = try PGPKeyInspector.inspect(key: try f.home.exportPublic(fpr, armored: armored), now: now)
                XCTAssertNil(info.unusableReason, "\(email): \(info.unusableReason ?? "")")
                XCTAssertTrue(info.isUsable)
                XCTAssertEqual(info.fingerprint, try f.field(fpr, "fpr", 9))
                XCTAssertEqual(info.addresses.map(\.description), [email])
                XCTAssertEqual(try Self.uidEmails(f, fpr), [email], "gpg's uid line disagrees")
                // gpg lists the encryption subkey as "sub" with capability "e", then its "fpr" line.
                let lines = try f.home.colons(fpr)
                let subIndex = try XCTUnwrap(lines.firstIndex { $0.first == "sub" && ($0[safe: 11] ?? "").contains("e") })
                let subFpr = lines[(subIndex + 1)...].first { $0.first == "fpr" }?[safe: 9]
                XCTAssertEqual(info.encryptionKeyFingerprint, subFpr)
                // The subkey is usable until its own expiry or its primary's, whichever comes first
                // (gpg's future-default subkey has no expiry of its own: the primary's applies).
                let pubExpiry = lines.first { $0.first == "pub" }?[safe: 6].flatMap(TimeInterval.init)
                let subExpiry = lines[subIndex][safe: 6].flatMap(TimeInterval.init)
                let effective = try XCTUnwrap([pubExpiry, subExpiry].compactMap { $0 }.min())
                XCTAssertEqual(info.encryptionKeyExpiry, Date(timeIntervalSince1970: effective))
            }
        }
        // Dana's key really is ed25519 (22) with a cv25519 ECDH (18) subkey.
        XCTAssertEqual(try f.field(f.dana, "pub", 3), "22")
        XCTAssertEqual(try f.field(f.dana, "sub", 3), "18")
    }

    func testSignOnlyKeyHasNoEncryptionSubkey() throws {
        let f = try PGPFixture.shared()
        let info = try PGPKeyInspector.inspect(key: try f.home.exportPublic(f.carol, armored: true),
                                               now: try Self.created(f, f.carol).addingTimeInterval(60))
        XCTAssertEqual(info.unusableReason, "no encryption-capable subkey")
        XCTAssertFalse(info.isUsable)
        XCTAssertNil(info.encryptionKeyFingerprint)
        XCTAssertEqual(info.addresses.map(\.description), ["carol@example.net"])
    }

    func testKeyInspectedAfterItsExpiryIsExpiredOnGPGsDate() throws {
        let f = try PGPFixture.shared()
        let key = try f.home.exportPublic(f.bob, armored: true)
        let expiry = try XCTUnwrap(try f.field(f.bob, "pub", 6).flatMap(TimeInterval.init))
        let expiryDate = Date(timeIntervalSince1970: expiry)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC") ?? utc.timeZone
        let day = utc.dateComponents([.year, .month, .day], from: expiryDate)
        let expected = String(format: "expired %04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)

        XCTAssertNil(try PGPKeyInspector.inspect(key: key, now: expiryDate.addingTimeInterval(-1)).unusableReason,
                     "refused a second before expiry")
        let after = try PGPKeyInspector.inspect(key: key, now: expiryDate.addingTimeInterval(86_400))
        XCTAssertEqual(after.unusableReason, expected)
        XCTAssertNil(after.encryptionKeyFingerprint)
        XCTAssertEqual(after.fingerprint, f.bob)
    }

    func testRevokedKeyIsRefused() throws {
        let f = try PGPFixture.shared()
        XCTAssertEqual(try f.field(f.frank, "pub", 1), "r", "gpg does not see the key as revoked")
        let info = try PGPKeyInspector.inspect(key: try f.home.exportPublic(f.frank, armored: true),
                                               now: try Self.created(f, f.frank).addingTimeInterval(60))
        XCTAssertEqual(info.unusableReason, "revoked")
    }

    func testWhatIsNotOnePublicKeyIsRefused() throws {
        let f = try PGPFixture.shared()
        let now = try Self.created(f, f.bob).addingTimeInterval(60)
        let bob = try f.home.exportPublic(f.bob, armored: true)
        let message = try PGPEncryptorTests.armoredPart(
            try PGPEncryptor.encrypt(entity: PGPEncryptorTests.original, recipientKeys: [bob], signingKey: nil))
        let inputs: [(String, [UInt8])] = [
            ("garbage", Array("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all\n".utf8)),
            ("random", (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }),
            ("empty", []),
            ("a message", message),
            ("a secret key", try f.home.exportSecret(f.bob)),
            ("two keys", bob + (try f.home.exportPublic(f.dana, armored: true))),
        ]
        for (name, bytes) in inputs {
            XCTAssertThrowsError(try PGPKeyInspector.inspect(key: bytes, now: now), name) { error in
                guard case let .notAPublicKey(why)? = error as? PGPError else { return XCTFail("\(name): \(error)") }
                XCTAssertFalse(why.isEmpty)
                XCTAssertTrue("\(error)".hasPrefix("pgp: not an OpenPGP public key"), "\(error)")
            }
        }
    }

    /// The key's creation time as gpg prints it (pub field 6): tests judge keys relative to it.
    static func created(_ f: PGPFixture, _ fpr: String) throws -> Date {
        let seconds = try XCTUnwrap(try f.field(fpr, "pub", 5).flatMap(TimeInterval.init))
        return Date(timeIntervalSince1970: seconds)
    }

    /// The addresses in gpg's uid lines (field 10, "Name <addr>").
    static func uidEmails(_ f: PGPFixture, _ fpr: String) throws -> [String] {
        try f.home.colons(fpr).filter { $0.first == "uid" }.compactMap { line in
            guard let uid = line[safe: 9], let open = uid.lastIndex(of: "<"), let close = uid.lastIndex(of: ">") else { return nil }
            return String(uid[uid.index(after: open)..<close])
        }
    }
}

final class PGPKeyInspectorSubkeyTests: XCTestCase {
    override class func tearDown() { PGPFixture.removeShared() }

    func testExpiredEncryptionSubkeyUnderAValidPrimaryIsRefusedWithItsDate() throws {
        let f = try PGPFixture.shared()
        let key = try f.home.exportPublic(f.gina, armored: false)
        let lines = try f.home.colons(f.gina)
        let sub = try XCTUnwrap(lines.first { $0.first == "sub" && ($0[safe: 11] ?? "").contains("e") })
        let subExpiry = Date(timeIntervalSince1970: try XCTUnwrap(sub[safe: 6].flatMap(TimeInterval.init)))
        XCTAssertEqual(lines.first { $0.first == "pub" }?[safe: 6], "", "the primary should never expire")

        let before = try PGPKeyInspector.inspect(key: key, now: subExpiry.addingTimeInterval(-60))
        XCTAssertNil(before.unusableReason)
        XCTAssertEqual(before.encryptionKeyExpiry, subExpiry)
        let after = try PGPKeyInspector.inspect(key: key, now: subExpiry.addingTimeInterval(3_600))
        XCTAssertEqual(after.unusableReason, "encryption subkey expired \(Self.day(subExpiry))")
        XCTAssertNil(after.encryptionKeyFingerprint)
    }

    func testKeyWithNoAddressInItsUserIDsIsRefused() throws {
        let f = try PGPFixture.shared()
        let created = try PGPKeyInspectorTests.created(f, f.nameless)
        let info = try PGPKeyInspector.inspect(key: try f.home.exportPublic(f.nameless, armored: true), now: created.addingTimeInterval(60))
        XCTAssertEqual(info.addresses, [])
        XCTAssertEqual(info.unusableReason, "no user ID with an email address")
        XCTAssertEqual(info.fingerprint, f.nameless)
    }

    static func day(_ date: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC") ?? utc.timeZone
        let c = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
