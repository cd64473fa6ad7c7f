// TestCertificate: both key types give a certificate for the name asked, whose DER parses and
// whose key makes a server context; remove() deletes the files.
import Foundation
import NIOSSL
import TestSupport
import XCTest

final class TestCertificateTests: XCTestCase {
    func testBothKeyTypesMakeAUsableCertificateForTheName() throws {
        for key in [TestCertificate.KeyType.rsa2048, .p256] {
            let cert = try TestCertificate.make(name: "mx.example.test", key: key)
            defer { cert.remove() }
            let parsed = try NIOSSLCertificate(bytes: try cert.der(), format: .der)
            XCTAssertTrue(try Self.openssl(["x509", "-noout", "-ext", "subjectAltName", "-in", cert.certPath])
                            .contains("DNS:mx.example.test"), "\(key): the SAN does not name the host")
            XCTAssertEqual(try parsed.toDERBytes(), try cert.der())
            XCTAssertNoThrow(try cert.serverContext())
            let pem = try String(contentsOfFile: cert.keyPath, encoding: .utf8)
            XCTAssertTrue(pem.contains("PRIVATE KEY"), "\(key): no private key written")
        }
    }

    /// What openssl prints for `arguments` (the oracle: the certificate as another tool reads it).
    static func openssl(_ arguments: [String]) throws -> String {
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = arguments
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testRemoveDeletesTheFiles() throws {
        let cert = try TestCertificate.make(name: "gone.example.test")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cert.certPath))
        cert.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: cert.dir))
    }
}
