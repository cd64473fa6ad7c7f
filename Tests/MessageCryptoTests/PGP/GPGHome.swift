// GPGHome: a temporary GNUPGHOME (mode 0700) where the tests make real keys with gpg and where gpg
// and sq decrypt and verify what PGPEncryptor wrote. remove() stops its gpg-agent and deletes it.
import Foundation
import TestSupport
import XCTest

final class GPGHome {
    let path: String

    struct Run {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    init() throws {
        path = NSTemporaryDirectory() + "sealgate-gpg-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// Stops the agent gpg started for this home (by its own tool, for this home only), then deletes it.
    func remove() {
        _ = try? run("/usr/bin/gpgconf", ["--kill", "all"])
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `tool` with GNUPGHOME set, `stdin` as its input; output goes through files (no pipe stalls).
    @discardableResult
    func run(_ tool: String, _ arguments: [String], stdin: [UInt8] = []) throws -> Run {
        let r = try ToolRun.run(tool, arguments, stdin: stdin,
                                environment: ["GNUPGHOME": path, "PATH": "/usr/bin:/bin", "HOME": path, "LC_ALL": "C"])
        return Run(status: r.status, stdout: Data(r.stdout), stderr: r.stderr)
    }

    /// gpg in batch mode with an empty passphrase through loopback (no pinentry).
    @discardableResult
    func gpg(_ arguments: [String], stdin: [UInt8] = [], passphrase: String = "") throws -> Run {
        try run("/usr/bin/gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase] + arguments, stdin: stdin)
    }

    /// Makes a key with `gpg --quick-gen-key USERID ALGO USAGE EXPIRE` and returns its fingerprint.
    func generate(_ userID: String, algo: String, usage: String, expire: String, passphrase: String = "") throws -> String {
        let r = try gpg(["--quick-gen-key", userID, algo, usage, expire], passphrase: passphrase)
        guard r.status == 0 else { throw GPGFailure("quick-gen-key \(userID): \(r.stderr)") }
        guard let fpr = try colons(userID).first(where: { $0.first == "fpr" })?[safe: 9] else {
            throw GPGFailure("no fingerprint for \(userID)")
        }
        return fpr
    }

    /// `gpg --with-colons --fingerprint KEY` as fields per line (the oracle for fingerprints, UIDs, dates).
    func colons(_ key: String) throws -> [[String]] {
        let r = try gpg(["--with-colons", "--fingerprint", "--fixed-list-mode", key])
        guard r.status == 0 else { throw GPGFailure("--fingerprint \(key): \(r.stderr)") }
        return String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }

    func exportPublic(_ fpr: String, armored: Bool) throws -> [UInt8] {
        let r = try gpg((armored ? ["--armor"] : []) + ["--export", fpr])
        guard r.status == 0, !r.stdout.isEmpty else { throw GPGFailure("export \(fpr): \(r.stderr)") }
        return [UInt8](r.stdout)
    }

    /// Adds a subkey with `gpg --quick-add-key FPR ALGO USAGE EXPIRE`.
    func addSubkey(_ fpr: String, algo: String, usage: String, expire: String) throws {
        let r = try gpg(["--quick-add-key", fpr, algo, usage, expire])
        guard r.status == 0 else { throw GPGFailure("quick-add-key \(fpr): \(r.stderr)") }
    }

    func exportSecret(_ fpr: String, passphrase: String = "") throws -> [UInt8] {
        let r = try gpg(["--armor", "--export-secret-keys", fpr], passphrase: passphrase)
        guard r.status == 0, !r.stdout.isEmpty else { throw GPGFailure("export secret \(fpr): \(r.stderr)") }
        return [UInt8](r.stdout)
    }

    /// Writes bytes into the home (0600) and returns the path, for tools that read files.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        return file
    }
}

struct GPGFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
