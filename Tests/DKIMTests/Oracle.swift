// Test helpers: run openssl and the dkimpy verifier (verify_dkim.py, beside this file) on files
// in a temp directory, returning their exit status and output.

import Foundation
import TestSupport
import XCTest

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Oracle {
    static let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("verify_dkim.py").path

    static func run(_ executable: String, _ arguments: [String]) throws -> ToolResult {
        let r = try ToolRun.run(executable, arguments)
        return ToolResult(status: r.status, stdout: r.stdoutText, stderr: r.stderr)
    }

    /// Runs dkimpy over `message` with `records` (owner name → TXT value) standing in for DNS.
    static func verify(_ message: [UInt8], records: [String: String], in dir: TempDir) throws -> ToolResult {
        let path = dir.write("message-\(UUID().uuidString).eml", message)
        return try run("python3", [verifier, path] + records.map { "\($0.key)=\($0.value)" })
    }

    /// dkimpy's relaxed body canonicalisation of each of `bodies`, as bytes (one python run).
    static func canonicalBodies(_ bodies: [[UInt8]], in dir: TempDir) throws -> [[UInt8]] {
        let paths = bodies.enumerated().map { dir.write("body-\($0.offset)", $0.element) }
        let result = try run("python3", [verifier, "--canon-body"] + paths)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { hexBytes(String($0)) }
    }

    /// A key made by `openssl genpkey` (PKCS#8 PEM), written 0600.
    static func opensslKey(_ algorithm: String, in dir: TempDir, bits: Int = 2048) throws -> String {
        let path = dir.path + "/openssl-\(algorithm)-\(bits).key"
        var args = ["genpkey", "-algorithm", algorithm, "-out", path]
        if algorithm == "RSA" { args += ["-pkeyopt", "rsa_keygen_bits:\(bits)"] }
        let result = try run("openssl", args)
        XCTAssertEqual(result.status, 0, result.stderr)
        chmod(path, 0o600)
        return path
    }

    private static func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            let pair = String(decoding: chars.prefix(2), as: UTF8.self)
            out.append(UInt8(pair, radix: 16) ?? 0)
            chars = chars.dropFirst(2)
        }
        return out
    }
}

/// A temporary directory removed when the test ends.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "dkim-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o600) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        chmod(file, mode)
        return file
    }

    func write(_ name: String, _ text: String, mode: mode_t = 0o600) -> String {
        write(name, Array(text.utf8), mode: mode)
    }
}
