// Test support for the portal store: a fresh directory per test with a pepper file beside the store,
// a TestClock, a cheap scrypt cost, deposits, and the file-level tampering the tests do.

import Foundation
import MailCore
import Portal
import SafeIO
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

class PortalTestCase: XCTestCase {
    /// scrypt at its floor (N = 2^10), so the password tests take milliseconds; production uses .recommended.
    static let fastHash = PortalPasswordHash(log2Rounds: 10, blockSize: 8, parallelism: 1)
    static let message = Array("Subject: Your results\r\n\r\nHbA1c 6.1%, patient MRN 00123456.\r\n".utf8)

    var root = ""
    var storeDirectory: String { "\(root)/var/portal" }
    var messagesDirectory: String { "\(storeDirectory)/messages" }
    var pepperPath: String { "\(root)/keys/portal.pepper" }
    let clock = TestClock()
    let randomness = SystemPortalRandomness()
    var pepper: PortalPepper!
    let patient = address("patient@example.org")
    let other = address("someone.else@example.net")
    let clinic = address("doctor@clinic.example")

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "portal-test-" + UUID().uuidString
        try SafeIO.makeDirectory("\(root)/keys", mode: 0o700, parents: true)
        pepper = try PortalPepper.create(path: pepperPath, randomness: randomness)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func makeStore(directory: String? = nil, pepper: PortalPepper? = nil,
                   hash: PortalPasswordHash = PortalTestCase.fastHash) throws -> FilePortalStore {
        try FilePortalStore(directory: directory ?? storeDirectory, pepper: pepper ?? self.pepper, clock: clock,
                            randomness: randomness, passwordHash: hash)
    }

    @discardableResult
    func deposit(_ store: any PortalStore, to recipient: MailAddress? = nil, message: [UInt8] = PortalTestCase.message,
                 lifetime: TimeInterval = 30 * 86_400, readReceipt: Bool = false) throws -> PortalDeposit {
        try store.deposit(PortalDepositRequest(queueID: QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 42),
                                               sender: clinic, recipient: recipient ?? patient, message: message,
                                               lifetime: lifetime, readReceipt: readReceipt))
    }

    func path(_ id: PortalMessageID, _ kind: String) -> String { "\(messagesDirectory)/\(id.text).\(kind)" }

    /// The names in the messages directory that belong to `id`.
    func files(of id: PortalMessageID) throws -> Set<String> {
        Set(try SafeIO.list(messagesDirectory).filter { $0.hasPrefix(id.text) })
    }

    /// Flips one bit of the byte `fromEnd` bytes before the end of the file, keeping its mode.
    func flipByte(_ path: String, fromEnd: Int = 1) throws {
        var bytes = try XCTUnwrap(try SafeIO.read(path))
        bytes[bytes.count - fromEnd] ^= 0x01
        try SafeIO.writeFile(path, bytes, mode: 0o600)
    }

    func copyFile(_ from: String, to: String) throws {
        try SafeIO.writeFile(to, try XCTUnwrap(try SafeIO.read(from)), mode: 0o600)
    }

    /// Asserts that `body` throws exactly `expected`.
    func assertThrows<T>(_ expected: PortalStoreError, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? PortalStoreError, expected, "\(error)", file: file, line: line)
        }
    }

    func mode(_ path: String) throws -> UInt32 {
        try XCTUnwrap(try SafeIO.status(path)).mode
    }
}

func address(_ text: String) -> MailAddress {
    // The test addresses are literals; a typo fails loudly here.
    try! MailAddressParser.parse(text, allowUTF8: true)
}

/// A randomness source that hands out counted bytes, so a test can see what the store asked for.
final class RecordingRandomness: PortalRandomness, @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [Int] = []
    var requestedCounts: [Int] { lock.withLock { requests } }

    func bytes(_ count: Int) -> [UInt8] {
        lock.withLock { requests.append(count) }
        return SystemPortalRandomness().bytes(count)
    }
}
