// DKIMKey loading: PKCS#8 from openssl genpkey and PKCS#1 RSA load; a key file group or others
// may read, an RSA key under 2048 bits, an EC key and a non-key are refused with a clear message.

@testable import DKIM
import Foundation
import XCTest

final class DKIMKeyTests: XCTestCase {
    func testKeyFileReadableByOthersIsRefused() throws {
        let dir = try TempDir()
        let path = try Oracle.opensslKey("ED25519", in: dir)
        chmod(path, 0o644)
        XCTAssertThrowsError(try DKIMKey.load(pemFile: path)) { error in
            XCTAssertEqual(error as? DKIMError, .keyFileNotPrivate(path: path, mode: 0o644))
            XCTAssertTrue("\(error)".contains("mode 644"), "\(error)")
            XCTAssertTrue("\(error)".contains("chmod 600"), "\(error)")
        }
        chmod(path, 0o640)
        XCTAssertThrowsError(try DKIMKey.load(pemFile: path))
        chmod(path, 0o400)
        XCTAssertEqual(try DKIMKey.load(pemFile: path).algorithm, .ed25519SHA256)
    }

    func testShortRSAKeyIsRefused() throws {
        let dir = try TempDir()
        let path = try Oracle.opensslKey("RSA", in: dir, bits: 1024)
        XCTAssertThrowsError(try DKIMKey.load(pemFile: path)) {
            XCTAssertEqual($0 as? DKIMError, .rsaKeyTooShort(bits: 1024))
        }
    }

    func testPKCS1RSAKeyLoads() throws {
        let dir = try TempDir()
        let pkcs8 = try Oracle.opensslKey("RSA", in: dir)
        let pkcs1 = dir.path + "/pkcs1.key"
        let result = try Oracle.run("openssl", ["rsa", "-in", pkcs8, "-traditional", "-out", pkcs1])
        XCTAssertEqual(result.status, 0, result.stderr)
        chmod(pkcs1, 0o600)
        XCTAssertTrue(try String(contentsOfFile: pkcs1, encoding: .utf8).hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        XCTAssertEqual(try DKIMKey.load(pemFile: pkcs1).dnsTXT, try DKIMKey.load(pemFile: pkcs8).dnsTXT)
    }

    func testNotAKeyAndMissingFileAreRefused() throws {
        let dir = try TempDir()
        let path = dir.write("junk.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        XCTAssertThrowsError(try DKIMKey.load(pemFile: path)) {
            guard case .unsupportedKey(let why)? = $0 as? DKIMError else { return XCTFail("\($0)") }
            XCTAssertTrue(why.hasPrefix(path), why)
        }
        let ec = dir.path + "/p256.key"
        XCTAssertEqual(try Oracle.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec]).status, 0)
        chmod(ec, 0o600)
        XCTAssertThrowsError(try DKIMKey.load(pemFile: ec)) {
            guard case .unsupportedKey? = $0 as? DKIMError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try DKIMKey.load(pemFile: dir.path + "/absent.key")) {
            guard case .unreadableKey? = $0 as? DKIMError else { return XCTFail("\($0)") }
        }
    }

    func testGeneratedPEMIsPKCS8ThatOpensslReads() throws {
        let dir = try TempDir()
        for (algorithm, name) in [(DKIMKeyAlgorithm.rsa2048, "RSA"), (.ed25519, "ED25519")] {
            let generated = try DKIMKeyGenerator.generate(algorithm: algorithm)
            XCTAssertTrue(generated.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let path = dir.write("gen-\(name).key", generated.privateKeyPEM)
            let result = try Oracle.run("openssl", ["pkey", "-in", path, "-noout", "-text"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains(algorithm == .rsa2048 ? "Private-Key: (2048 bit" : "ED25519 Private-Key"),
                          result.stdout)
        }
    }
}
