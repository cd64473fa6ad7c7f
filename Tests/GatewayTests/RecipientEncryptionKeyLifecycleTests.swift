// RecipientEncryptionService when the key went bad after the ladder asked: an expired, removed or
// damaged certificate throws (the ladder moves on) and availability agrees; errors name no content.
import Delivery
import Foundation
import Logging
import MailCore
import MessageCrypto
import XCTest
@testable import Gateway

final class RecipientEncryptionKeyLifecycleTests: XCTestCase {
    private var bench: EncryptionWorkbench!
    private var gateway: RecipientEncryptionService!
    private let alice = try! MailAddressParser.parse("alice@example.net", allowUTF8: false)
    private let message = EncryptionSample.message(to: "alice@example.net")

    override func setUpWithError() throws {
        bench = try EncryptionWorkbench()
        gateway = RecipientEncryptionService(keyStoreDirectory: bench.storeDirectory, signing: .none, domainCiphers: [:],
                                             logger: Logger(label: "test.encryption"))
    }

    override func tearDown() { bench.remove() }

    private func encrypt(now: Date) throws -> EncryptedCopy {
        try gateway.encrypt(message, for: alice, method: .smime, sender: nil,
                            protection: SubjectProtection(protectSubject: true, outerSubject: "[encrypted message]"), now: now)
    }

    /// No error text carries the Subject or the body.
    private func assertNamesNoContent(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        let text = "\(error)"
        XCTAssertFalse(text.contains("HIV") || text.contains(EncryptionSample.ssn) || text.contains("Jane"), text, file: file, line: line)
    }

    func testExpiredCertificateThrowsAndAvailabilitySaysExpired() throws {
        let entry = try bench.importCertificate(try bench.certificate("alice", email: "alice@example.net", days: 1))
        let notAfter = try XCTUnwrap(entry.notAfter)
        let keyID = KeyStoreAvailability.keyID(entry)
        XCTAssertEqual(gateway.availability(of: alice, method: .smime, now: Date()), .available(keyID: keyID))
        XCTAssertNoThrow(try encrypt(now: Date()))

        let later = notAfter.addingTimeInterval(60)
        XCTAssertEqual(gateway.availability(of: alice, method: .smime, now: later), .expired(keyID: keyID, on: notAfter))
        XCTAssertThrowsError(try encrypt(now: later)) { error in
            guard case let .noUsableKey(method, reason)? = error as? RecipientEncryptionError else { return XCTFail("\(error)") }
            XCTAssertEqual(method, .smime)
            XCTAssertEqual(reason, "certificate \(entry.fingerprint) expired \(Self.day(notAfter))")
            self.assertNamesNoContent(error)
        }
    }

    func testRemovedCertificateThrows() throws {
        try bench.importCertificate(try bench.certificate("alice", email: "alice@example.net"))
        XCTAssertNoThrow(try encrypt(now: Date()))
        try bench.store.remove(addressOrFingerprint: "alice@example.net")
        XCTAssertEqual(gateway.availability(of: alice, method: .smime, now: Date()), .missing)
        XCTAssertThrowsError(try encrypt(now: Date())) { error in
            XCTAssertEqual("\(error)", "smime: no certificate on file")
            self.assertNamesNoContent(error)
        }
    }

    func testDamagedKeyFileIsNotUsed() throws {
        let entry = try bench.importCertificate(try bench.certificate("alice", email: "alice@example.net"))
        _ = try bench.write(Array("not the certificate".utf8), "recipients/" + entry.fileName)
        XCTAssertThrowsError(try encrypt(now: Date())) { error in
            XCTAssertEqual("\(error)", "smime: certificate \(entry.fingerprint): key file does not match its fingerprint")
        }
    }

    func testMethodsWithoutKeysAreRefused() {
        for method in [DeliveryMethod.tls, .portal] {
            XCTAssertEqual(gateway.availability(of: alice, method: method, now: Date()), .missing)
            XCTAssertThrowsError(try gateway.encrypt(message, for: alice, method: method, sender: nil,
                                                     protection: SubjectProtection(nil), now: Date())) {
                XCTAssertEqual($0 as? RecipientEncryptionError, .notAKeyMethod(method))
            }
        }
    }

    /// YYYY-MM-DD in UTC, as reasons name days.
    private static func day(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: date)
    }
}
