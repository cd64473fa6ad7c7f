// GPGWorkbench: a temporary GNUPGHOME (0700) where real gpg makes the recipient's and the
// organisation's keys once per test class, and gpg and sq decrypt and verify the PGP/MIME copies.
import Foundation
import TestSupport

final class GPGWorkbench {
    let home: String
    /// "Rita <rita@example.net>": gpg's default algorithms, one year.
    private(set) var recipient = ""
    /// "Example Org <pgp@example.org>": ed25519, sign only, no expiry.
    private(set) var organisation = ""

    init() throws {
        home = NSTemporaryDirectory() + "sealgate-gpgw-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        recipient = try generate("Rita <rita@example.net>", algo: "default", usage: "default", expire: "1y")
        organisation = try generate("Example Org <pgp@example.org>", algo: "ed25519", usage: "sign", expire: "never")
    }

    /// Stops this home's gpg-agent (gpgconf, for this GNUPGHOME only) and deletes the home.
    func remove() {
        _ = try? tool("/usr/bin/gpgconf", ["--kill", "all"])
        try? FileManager.default.removeItem(atPath: home)
    }

    func tool(_ path: String, _ arguments: [String], stdin: [UInt8] = []) throws -> ToolOutput {
        try ToolRun.run(path, arguments, stdin: stdin,
                        environment: ["GNUPGHOME": home, "HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C"])
    }

    /// gpg in batch mode, no passphrase (loopback pinentry).
    func gpg(_ arguments: [String], stdin: [UInt8] = []) throws -> ToolOutput {
        try tool("/usr/bin/gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""] + arguments, stdin: stdin)
    }

    func export(_ fingerprint: String, secret: Bool) throws -> [UInt8] {
        let r = try gpg(["--armor", secret ? "--export-secret-keys" : "--export", fingerprint])
        guard r.status == 0, !r.stdout.isEmpty else { throw ToolFailure("gpg export \(fingerprint): \(r.stderr)") }
        return r.stdout
    }

    /// Writes `bytes` into the home with mode 0600 and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = home + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        return path
    }

    private func generate(_ userID: String, algo: String, usage: String, expire: String) throws -> String {
        let r = try gpg(["--quick-gen-key", userID, algo, usage, expire])
        guard r.status == 0 else { throw ToolFailure("gpg --quick-gen-key \(userID): \(r.stderr)") }
        let listing = try gpg(["--with-colons", "--fingerprint", userID]).stdoutText
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else {
            throw ToolFailure("no fingerprint for \(userID)")
        }
        return String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
    }

    /// The ASCII-armored OpenPGP message inside a PGP/MIME copy (its second part's body).
    static func armoredMessage(_ wire: [UInt8]) throws -> [UInt8] {
        let text = String(decoding: wire, as: UTF8.self)
        guard let start = text.range(of: "-----BEGIN PGP MESSAGE-----"),
              let end = text.range(of: "-----END PGP MESSAGE-----", range: start.upperBound..<text.endIndex) else {
            throw ToolFailure("no armored OpenPGP message in the copy")
        }
        return Array(text[start.lowerBound..<end.upperBound].utf8) + [0x0A]
    }
}
