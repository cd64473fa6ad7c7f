// SMIMECertificateInspector against certificates made by the openssl CLI: fingerprint and dates as
// openssl prints them, RSA and P-256 keys, and each refusal (expired, not yet valid, usages, no address).

import Foundation
import MessageCrypto
import XCTest

final class SMIMECertificateInspectorTests: XCTestCase {
    func testRSAAndP256CertificatesMatchOpenSSL() throws {
        let tool = try OpenSSLTool()
        for (kind, name) in [(OpenSSLTool.KeyKind.rsa2048, "RSA 2048"), (.p256, "EC P-256")] {
            let id = try tool.recipient("bob-\(name.prefix(2))", key: kind, email: "Bob@Example.NET")
            let pem = try id.certPEM(), der = try id.certDER()
            let info = try SMIMECertificateInspector.inspect(pem, now: Date())
            XCTAssertNil(info.unusableReason)
            XCTAssertTrue(info.isUsable)
            XCTAssertEqual(info.fingerprint, try tool.sha256Fingerprint(id))
            XCTAssertEqual(info.addresses, ["bob@example.net"])
            XCTAssertEqual(info.keyType, name)
            XCTAssertEqual(info.notAfter, try tool.date(id, "enddate"))
            XCTAssertEqual(info.notBefore, try tool.date(id, "startdate"))
            XCTAssertTrue(info.subject.contains("CN=bob-\(name.prefix(2))"), info.subject)
            XCTAssertEqual(info.der, der)
            XCTAssertEqual(try SMIMECertificateInspector.inspect(der, now: Date()), info, "DER and PEM disagree")
        }
    }

    func testExpiredAndNotYetValidGiveOpenSSLsDates() throws {
        let tool = try OpenSSLTool()
        let id = try tool.recipient("short", email: "short@example.net", days: 2)
        let notAfter = try tool.date(id, "enddate"), notBefore = try tool.date(id, "startdate")
        let after = try SMIMECertificateInspector.inspect(try id.certPEM(), now: notAfter.addingTimeInterval(86_400))
        XCTAssertEqual(after.unusableReason, "expired \(OpenSSLTool.day(notAfter))")
        XCTAssertNil(try SMIMECertificateInspector.inspect(try id.certPEM(), now: notAfter.addingTimeInterval(-1)).unusableReason)
        let before = try SMIMECertificateInspector.inspect(try id.certPEM(), now: notBefore.addingTimeInterval(-86_400 * 3))
        XCTAssertEqual(before.unusableReason, "not valid before \(OpenSSLTool.day(notBefore))")
    }

    func testUsagesAndAddressAreChecked() throws {
        let tool = try OpenSSLTool()
        let signOnly = try tool.recipient("sign", email: "s@example.net", keyUsage: "digitalSignature")
        let info = try SMIMECertificateInspector.inspect(try signOnly.certPEM(), now: Date())
        XCTAssertEqual(info.unusableReason, "key usage allows neither keyEncipherment nor keyAgreement")
        XCTAssertFalse(info.keyUsageAllowsEncryption)

        let serverOnly = try tool.recipient("server", email: "t@example.net", extendedKeyUsage: "serverAuth")
        XCTAssertEqual(try SMIMECertificateInspector.inspect(try serverOnly.certPEM(), now: Date()).unusableReason,
                       "extended key usage has neither emailProtection nor anyExtendedKeyUsage")

        let noAddress = try tool.recipient("anon", email: nil)
        let anon = try SMIMECertificateInspector.inspect(try noAddress.certPEM(), now: Date())
        XCTAssertEqual(anon.unusableReason, "no email address in subjectAltName")
        XCTAssertEqual(anon.addresses, [])

        // RFC 8550 4.4.2: without a keyUsage extension (or EKU) any use is allowed.
        let bare = try tool.recipient("bare", key: .rsa2048, email: "u@example.net", keyUsage: nil, extendedKeyUsage: nil)
        let bareInfo = try SMIMECertificateInspector.inspect(try bare.certPEM(), now: Date())
        XCTAssertNil(bareInfo.unusableReason)
        XCTAssertTrue(bareInfo.keyUsageAllowsEncryption)
        XCTAssertTrue(bareInfo.extendedKeyUsageAllowsEmail)
        XCTAssertTrue(try tool.mustRun(["x509", "-in", bare.certPath, "-noout", "-text"]).stdout.text.contains("email:u@example.net"))
        XCTAssertFalse(try tool.mustRun(["x509", "-in", bare.certPath, "-noout", "-text"]).stdout.text.contains("Key Usage"))
    }

    func testWhatIsNotACertificateThrowsOneLine() throws {
        let tool = try OpenSSLTool()
        let id = try tool.recipient("k", email: "k@example.net")
        for bytes in [Array("hello, not a certificate".utf8), [0x30, 0x03, 0x02, 0x01, 0x05], try id.keyPEM()] {
            XCTAssertThrowsError(try SMIMECertificateInspector.inspect(bytes, now: Date())) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("not a certificate: "), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }
}
