// EncryptionWorkbench: a temp directory with a recipient key store where the real openssl makes
// certificates and decrypts and verifies what RecipientEncryptionService wrote (through ToolRun).
import Foundation
import MessageCrypto
import TestSupport
import XCTest

final class EncryptionWorkbench {
    struct Identity {
        let certPath: String
        let keyPath: String
    }

    let dir: String
    var storeDirectory: String { dir + "/recipients" }
    let store: RecipientKeyStore

    /// In `directory` (a config test's scratch directory), else a new temp directory.
    init(directory: String? = nil) throws {
        dir = directory ?? NSTemporaryDirectory() + "sealgate-enc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = RecipientKeyStore(directory: dir + "/recipients")
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    /// A self-signed certificate for `email` made by `openssl req -x509` (key 0600 beside it).
    /// Recipients get keyEncipherment/keyAgreement; the organisation's signer digitalSignature.
    func certificate(_ name: String, email: String, ec: Bool = false, signing: Bool = false, days: Int = 30) throws -> Identity {
        let base = dir + "/" + name
        let newKey = ec ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] : ["-newkey", "rsa:2048"]
        let usage = signing ? "digitalSignature" : (ec ? "keyAgreement" : "keyEncipherment")
        try openssl(["req", "-x509"] + newKey + ["-nodes", "-keyout", base + ".key", "-out", base + ".pem", "-days", "\(days)",
                     "-subj", "/CN=\(name)/O=Example", "-addext", "keyUsage=critical,\(usage)",
                     "-addext", "extendedKeyUsage=emailProtection", "-addext", "subjectAltName=email:\(email)"])
        chmod(base + ".key", 0o600)
        return Identity(certPath: base + ".pem", keyPath: base + ".key")
    }

    /// Files the certificate in the store (at the system's time: it was made a moment ago).
    @discardableResult
    func importCertificate(_ identity: Identity, cipher: SMIMECipher? = nil) throws -> KeyEntry {
        let entries = try store.import(try bytes(identity.certPath), now: Date(), cipher: cipher)
        return try XCTUnwrap(entries.first)
    }

    /// openssl's SHA-256 fingerprint of the certificate, lower-case hex without colons.
    func fingerprint(_ identity: Identity) throws -> String {
        let out = try openssl(["x509", "-in", identity.certPath, "-noout", "-fingerprint", "-sha256"]).stdoutText
        return String(out.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: ":", with: "").lowercased()
    }

    /// `openssl cms -decrypt -binary` of a whole S/MIME message with the recipient's private key.
    func decrypt(_ message: [UInt8], as who: Identity, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let input = try write(message, "in-\(UUID().uuidString).eml")
        let r = try ToolRun.run("/usr/bin/openssl", ["cms", "-decrypt", "-inkey", who.keyPath, "-recip", who.certPath,
                                                     "-binary", "-in", input, "-inform", "SMIME"], directory: dir)
        XCTAssertEqual(r.status, 0, "openssl cms -decrypt failed: \(r.stderr)", file: file, line: line)
        return r.stdout
    }

    /// `openssl cms -verify -CAfile` of a multipart/signed entity (no -binary: see SMIMESignerTests).
    func verify(_ entity: [UInt8], caFile: String) throws -> ToolOutput {
        let input = try write(entity, "signed-\(UUID().uuidString).eml")
        return try ToolRun.run("/usr/bin/openssl", ["cms", "-verify", "-CAfile", caFile, "-in", input, "-inform", "SMIME"],
                               directory: dir)
    }

    /// `openssl cms -cmsout -print`: the CMS structure as text (names the content cipher).
    func printStructure(_ message: [UInt8]) throws -> String {
        let input = try write(message, "print-\(UUID().uuidString).eml")
        return try openssl(["cms", "-cmsout", "-print", "-in", input, "-inform", "SMIME"]).stdoutText
    }

    func write(_ bytes: [UInt8], _ name: String, mode: Int16 = 0o600) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        chmod(path, mode_t(mode))
        return path
    }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @discardableResult
    func openssl(_ arguments: [String]) throws -> ToolOutput {
        let r = try ToolRun.run("/usr/bin/openssl", arguments, directory: dir)
        guard r.status == 0 else { throw ToolFailure("openssl \(arguments.joined(separator: " ")): \(r.stderr)") }
        return r
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The message the encryption tests send: PHI in the Subject and the body, bare LF line ends.
enum EncryptionSample {
    static let ssn = "123-45-6789"
    static let subject = "HIV result for Jane Roe"

    static func message(from: String = "Dr. Who <doctor@example.org>", to: String) -> [UInt8] {
        Array("""
            Received: from clinic.example.org by gw.example.org; Mon, 1 Jun 2026 09:00:00 +0000
            From: \(from)
            To: \(to)
            Subject: \(subject)
            Date: Mon, 1 Jun 2026 09:00:00 +0000
            Message-ID: <lab-1@example.org>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            Patient SSN \(ssn), result negative.

            """.utf8)
    }

    /// The header lines of a CRLF message (up to the first empty line).
    static func headers(_ message: [UInt8]) -> [String] {
        let text = String(decoding: message, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? text
        return head.components(separatedBy: "\r\n")
    }
}
