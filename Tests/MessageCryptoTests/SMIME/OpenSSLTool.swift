// OpenSSLTool: runs the real `openssl` command line for the S/MIME tests (making a test CA and
// certificates with the usages and rfc822Name SANs S/MIME needs, decrypting, verifying, printing).

import Foundation
import TestSupport
import XCTest

typealias ToolResult = ToolOutput

/// A temp directory with a test CA; certificates it issues; openssl runs inside it.
final class OpenSSLTool {
    enum KeyKind { case rsa2048, p256 }

    struct Identity {
        let certPath: String
        let keyPath: String
        func certDER() throws -> [UInt8] {
            let pem = try String(contentsOfFile: certPath, encoding: .utf8)
            let body = pem.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") && !$0.isEmpty }.joined()
            guard let data = Data(base64Encoded: body) else { throw NSError(domain: "OpenSSLTool", code: 1) }
            return [UInt8](data)
        }
        func certPEM() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: certPath))) }
        func keyPEM() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: keyPath))) }
    }

    let dir: String
    var caPath: String { dir + "/ca.pem" }
    private var serial = 1000

    init() throws {
        dir = NSTemporaryDirectory() + "sealgate-smime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try mustRun(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out", caPath,
                     "-days", "2", "-subj", "/CN=Sealgate Test CA"])
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// A certificate for `email`, issued by the test CA, with the given key usage and emailProtection.
    func issue(_ name: String, email: String, key: KeyKind, keyUsage: String) throws -> Identity {
        serial += 1
        let base = dir + "/" + name
        let newKey = key == .rsa2048 ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        try mustRun(["req", "-new"] + newKey + ["-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(name)"])
        let ext = "keyUsage=critical,\(keyUsage)\nextendedKeyUsage=emailProtection\nsubjectAltName=email:\(email)\n"
        try ext.write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        try mustRun(["x509", "-req", "-in", base + ".csr", "-CA", caPath, "-CAkey", dir + "/ca.key", "-set_serial", "\(serial)",
                     "-days", "2", "-extfile", base + ".ext", "-out", base + ".pem"])
        return Identity(certPath: base + ".pem", keyPath: base + ".key")
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `openssl cms -decrypt -binary` of an S/MIME message file; fails the test on a non-zero exit.
    func decrypt(_ message: [UInt8], as who: Identity, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let input = try write(message, "in-\(UUID().uuidString).eml")
        let result = try run(["cms", "-decrypt", "-inkey", who.keyPath, "-recip", who.certPath, "-binary",
                              "-in", input, "-inform", "SMIME"])
        XCTAssertEqual(result.status, 0, "openssl cms -decrypt failed: \(result.stderr)", file: file, line: line)
        return result.stdout
    }

    /// `openssl cms -cmsout -print` of an S/MIME message: the structure as text.
    func printStructure(_ message: [UInt8]) throws -> String {
        let input = try write(message, "print-\(UUID().uuidString).eml")
        let result = try run(["cms", "-cmsout", "-print", "-in", input, "-inform", "SMIME"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return String(decoding: result.stdout, as: UTF8.self)
    }

    @discardableResult
    func mustRun(_ arguments: [String]) throws -> ToolResult {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw NSError(domain: "OpenSSLTool", code: Int(result.status),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")): \(result.stderr)"])
        }
        return result
    }

    func run(_ arguments: [String]) throws -> ToolResult {
        try ToolRun.run("/usr/bin/openssl", arguments, directory: dir)
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// The header section of a CRLF message as lines, and its body.
func splitMessage(_ message: [UInt8]) -> (headers: [String], body: String) {
    let text = message.text
    guard let range = text.range(of: "\r\n\r\n") else { return (text.components(separatedBy: "\r\n"), "") }
    return (String(text[..<range.lowerBound]).components(separatedBy: "\r\n"), String(text[range.upperBound...]))
}
