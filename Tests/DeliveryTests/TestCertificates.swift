// TestCertificates: a self-signed certificate made with openssl at test start (CN and SAN given),
// its NIOSSL server context, and its DER for TLSA records.

import Foundation
import NIOSSL
import XCTest

struct TestCertificate {
    let dir: String
    var certPath: String { dir + "/cert.pem" }
    var keyPath: String { dir + "/key.pem" }

    /// Makes a key and certificate for `name` in a new temp dir; skips the test when openssl is missing.
    static func make(name: String) throws -> TestCertificate {
        let dir = NSTemporaryDirectory() + "sealgate-cert-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
                       "-days", "2", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try XCTSkipUnless(p.terminationStatus == 0, "openssl could not make a test certificate")
        return TestCertificate(dir: dir)
    }

    func serverContext() throws -> NIOSSLContext {
        let config = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: config)
    }

    func der() throws -> [UInt8] {
        guard let cert = try NIOSSLCertificate.fromPEMFile(certPath).first else { throw NIOSSLError.failedToLoadCertificate }
        return try cert.toDERBytes()
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
