// SpoolTestSupport: a fresh temp directory per test, a keyring in it, and envelopes built from
// addresses, so the Queue tests run against real files on disk.

import Foundation
import MailCore
import XCTest
@testable import Queue

class SpoolTestCase: XCTestCase {
    var tempDir = ""
    /// Where plain commits go; the tests of the per-message file layout set `.files`.
    var commitTarget: SpoolCommitTarget = .journal
    var keyPath: String { tempDir + "/spool.keys" }
    var spoolPath: String { tempDir + "/spool" }

    override func setUpWithError() throws {
        tempDir = NSTemporaryDirectory() + "sealgate-queue-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tempDir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    /// Without the in-memory cache unless asked, so reads go to the disk.
    func makeSpool(keyring: SpoolKeyring? = nil, cacheBytes: Int = 0) throws -> Spool {
        try Spool(directory: spoolPath, keyring: keyring ?? SpoolKeyring.loadOrCreate(path: keyPath),
                  commitTarget: commitTarget, cacheBytes: cacheBytes)
    }

    var journalPath: String { spoolPath + "/journal" }

    func address(_ text: String) throws -> MailAddress {
        try MailAddressParser.parse(text, allowUTF8: true)
    }

    /// IDs with increasing time, so their sort order is known.
    func queueID(_ n: UInt64) -> QueueID {
        QueueID(microseconds: 1_700_000_000_000_000 + n * 1000, node: 3, random: UInt32(n * 7919))
    }

    func envelope(_ id: QueueID, recipients: [String] = ["a@example.test", "b@example.test"],
                  sender: String? = "sender@example.org", size: Int = 10) throws -> Envelope {
        Envelope(queueID: id, sender: try sender.map(address),
                 recipients: try recipients.map { RecipientSpec(address: try address($0), notify: [.failure, .delay],
                                                                originalRecipient: "rfc822;\($0)") },
                 bodyType: .eightBitMIME, size: size, arrival: Date(timeIntervalSince1970: 1_700_000_000.25),
                 client: ClientInfo(address: "127.0.0.5", port: 40000, hostname: nil, helo: "client.test",
                                    protocolName: "ESMTP", authenticatedUser: nil, tls: nil, listener: "relay"))
    }

    func files(in sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spoolPath + "/" + sub)) ?? []).sorted()
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }
}
