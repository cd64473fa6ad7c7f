// TestCertificate: a self-signed certificate made with openssl at test start (CN and SAN given,
// RSA-2048 or P-256), its NIOSSL contexts and its DER; for test targets only.

import Foundation
import NIOSSL

public struct TestCertificate: Sendable {
    public enum KeyType: Sendable { case rsa2048, p256 }

    /// openssl could not make the certificate (missing binary or a failed run).
    public struct MakeError: Error, CustomStringConvertible {
        public let status: Int32
        public var description: String { "openssl could not make a test certificate (exit \(status))" }
    }

    public let dir: String
    public var certPath: String { dir + "/cert.pem" }
    public var keyPath: String { dir + "/key.pem" }

    /// Makes a key and a certificate for `name`, valid for two days, in a new temp dir.
    public static func make(name: String, key: KeyType = .rsa2048) throws -> TestCertificate {
        let dir = NSTemporaryDirectory() + "sealgate-cert-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let keyArguments = key == .rsa2048 ? ["-newkey", "rsa:2048"]
                                           : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509"] + keyArguments + ["-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
                       "-days", "2", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw MakeError(status: p.terminationStatus) }
        return TestCertificate(dir: dir)
    }

    public func serverContext() throws -> NIOSSLContext {
        let config = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certPath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: config)
    }

    /// A client that does not check the (self-signed) certificate, for tests about the server side.
    public static func trustingClientContext() throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.certificateVerification = .none
        return try NIOSSLContext(configuration: config)
    }

    public func der() throws -> [UInt8] {
        guard let cert = try NIOSSLCertificate.fromPEMFile(certPath).first else { throw NIOSSLError.failedToLoadCertificate }
        return try cert.toDERBytes()
    }

    public func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
