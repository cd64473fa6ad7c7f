// PGPFixture: the keys the PGP tests share, made once by real gpg in a temporary GNUPGHOME: RSA,
// ed25519/cv25519, sign-only, a short-lived subkey, revoked, address-less, and signing keys.
import Foundation

final class PGPFixture {
    let home: GPGHome
    /// Bob: `default default 1y` (RSA primary and encryption subkey in gpg 2.2).
    let bob: String
    /// Dana: `future-default default 1y` (ed25519 primary, cv25519 encryption subkey).
    let dana: String
    /// Carol: an ed25519 key that can only sign, no subkey.
    let carol: String
    /// Frank: a key whose revocation certificate has been imported.
    let frank: String
    /// The organisation's signing key (ed25519, sign only, no expiry).
    let org: String
    /// The same kind of key, protected with `protectedPassphrase`.
    let protectedOrg: String
    static let protectedPassphrase = "hunter2-not-stored"
    /// Gina: an ed25519 sign-only primary that never expires, with a cv25519 subkey of one day.
    let gina: String
    /// A key whose only user ID is a name without an address.
    let nameless: String

    private static let lock = NSLock()
    private static var made: PGPFixture?

    /// The shared fixture, made on first use.
    static func shared() throws -> PGPFixture {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let fixture = try PGPFixture()
        made = fixture
        return fixture
    }

    static func removeShared() {
        lock.lock(); defer { lock.unlock() }
        made?.home.remove()
        made = nil
    }

    private init() throws {
        home = try GPGHome()
        bob = try home.generate("Bob <bob@example.net>", algo: "default", usage: "default", expire: "1y")
        dana = try home.generate("Dana Example <dana@example.net>", algo: "future-default", usage: "default", expire: "1y")
        carol = try home.generate("Carol <carol@example.net>", algo: "ed25519", usage: "sign", expire: "1y")
        frank = try home.generate("Frank <frank@example.net>", algo: "future-default", usage: "default", expire: "1y")
        org = try home.generate("Example Org <pgp@example.org>", algo: "ed25519", usage: "sign", expire: "never")
        protectedOrg = try home.generate("Example Org Protected <pgp2@example.org>", algo: "ed25519", usage: "sign",
                                         expire: "never", passphrase: Self.protectedPassphrase)
        gina = try home.generate("Gina <gina@example.net>", algo: "ed25519", usage: "sign", expire: "never")
        try home.addSubkey(gina, algo: "cv25519", usage: "encr", expire: "1d")
        nameless = try home.generate("Nameless Key Holder", algo: "future-default", usage: "default", expire: "1y")
        try revoke(frank)
    }

    /// Imports the revocation certificate gpg wrote at key generation (its armor line is
    /// prefixed with ":" so that it is not imported by accident).
    private func revoke(_ fpr: String) throws {
        let file = home.path + "/openpgp-revocs.d/\(fpr).rev"
        guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw GPGFailure("no revocation certificate for \(fpr)")
        }
        let cert = text.replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----", with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
        let r = try home.gpg(["--import"], stdin: Array(cert.utf8))
        guard r.status == 0 else { throw GPGFailure("import revocation: \(r.stderr)") }
    }

    /// A field of the first colon line of `kind` ("pub", "sub", "fpr", "uid") for `key`.
    func field(_ key: String, _ kind: String, _ index: Int, where match: ([String]) -> Bool = { _ in true }) throws -> String? {
        try home.colons(key).first(where: { $0.first == kind && match($0) })?[safe: index]
    }
}
