// Tests for CAFile and PKIXVerifier's trust roots: a missing, empty, garbage or certificate-less
// CA file is refused with an error naming it; a valid one is trusted and verifies its leaves.

import Foundation
import MailCore
import X509
import XCTest
@testable import TLSPolicy

final class CAFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "sealgate-cafile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func write(_ text: String, name: String = "ca.pem") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func assertRefused(_ path: String, _ problem: CAFile.LoadError.Problem, mentioning words: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CAFile.load(path), file: file, line: line) { error in
            guard let error = error as? CAFile.LoadError else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertEqual(error.problem, problem, file: file, line: line)
            XCTAssertTrue(error.description.contains(path), "names the file: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(words), "\(error)", file: file, line: line)
        }
        // The verifier refuses to start on the same file.
        XCTAssertThrowsError(try PKIXVerifier(systemCAFile: nil, extraCAFile: path), file: file, line: line)
    }

    func testMissingFileIsRefused() {
        assertRefused(directory + "/typo.pem", .unreadable("no such file"), mentioning: "cannot read CA file")
    }

    func testDirectoryIsRefused() {
        assertRefused(directory, .unreadable("is a directory"), mentioning: "cannot read CA file")
    }

    func testEmptyAndWhitespaceOnlyFilesAreRefused() throws {
        assertRefused(try write(""), .empty, mentioning: "is empty")
        assertRefused(try write(" \n\r\n\t", name: "blank.pem"), .empty, mentioning: "is empty")
    }

    func testGarbageIsRefused() throws {
        assertRefused(try write("this is not a certificate\n"), .noCertificate, mentioning: "holds no PEM certificate")
        let armoured = "-----BEGIN CERTIFICATE-----\nAAAAbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
        assertRefused(try write(armoured, name: "armoured.pem"), .noCertificate, mentioning: "holds no PEM certificate")
    }

    func testValidFileLoadsEveryCertificate() throws {
        let first = try MTASTSTestPKI(name: "CA One"), second = try MTASTSTestPKI(name: "CA Two")
        let bundle = try first.caCertificate.serializeAsPEM().pemString + "\n" + second.caCertificate.serializeAsPEM().pemString + "\n"
        let loaded = try CAFile.load(try write(bundle))
        XCTAssertEqual(loaded, [first.caCertificate, second.caCertificate])
    }

    func testVerifierTrustsTheExtraCAFile() async throws {
        let pki = try MTASTSTestPKI()
        let verifier = try PKIXVerifier(systemCAFile: nil, extraCAFile: try pki.writeCA(into: directory))
        let leaf = try pki.leaf(for: "mx.example.net").certificate.toDERBytes()
        let verified = await verifier.verify(chain: [leaf], names: ["mx.example.net"])
        XCTAssertEqual(verified, .verified(trust: .pkix))
        let wrongName = await verifier.verify(chain: [leaf], names: ["other.example"])
        XCTAssertEqual(wrongName, .failed(reason: "certificate name mismatch"))
        // Without the extra file the same chain has no path to a root.
        let untrusting = try PKIXVerifier(systemCAFile: nil, extraCAFile: nil)
        guard case .failed(let reason) = await untrusting.verify(chain: [leaf], names: ["mx.example.net"]) else {
            return XCTFail("an unknown CA must not verify")
        }
        XCTAssertTrue(reason.contains("untrusted certificate chain"), reason)
    }

    func testAMissingSystemBundleIsNotFatal() throws {
        XCTAssertNoThrow(try PKIXVerifier(systemCAFile: directory + "/no-system-bundle.crt", extraCAFile: nil))
    }
}
