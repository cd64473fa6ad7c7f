// DeliveryFixtures: shared helpers for the delivery tests: envelopes, a temp-dir spool, settings
// pointing at the test server, and polling until a condition holds.

import Foundation
import Logging
import MailCore
import NIOPosix
import Queue
import XCTest
@testable import Delivery

enum Fixtures {
    static func addr(_ s: String) -> MailAddress {
        // Test inputs are constants; a parse failure is a test bug and shows up as a failed assertion.
        (try? MailAddressParser.parse(s, allowUTF8: true)) ?? MailAddress(localPart: "invalid", domain: .ipv4("0.0.0.0"))
    }

    static let message = Array(("Message-ID: <t1@example.org>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
        + "From: alice@example.org\r\nTo: ok@example.net\r\nSubject: Lab result for patient X\r\n\r\n"
        + "Body line\r\n.leading dot\r\n").utf8)

    static func envelope(sender: String?, recipients: [RecipientSpec], arrival: Date = Date()) -> Envelope {
        let client = ClientInfo(address: "127.0.0.1", port: 1234, hostname: nil, helo: "test", protocolName: "ESMTP",
                                authenticatedUser: nil, tls: nil, listener: "relay")
        return Envelope(queueID: QueueID.generate(node: 7), sender: sender.map(addr), recipients: recipients,
                        size: message.count, arrival: arrival, client: client)
    }

    static func settings(port: Int, retry: RetrySchedule = RetrySchedule()) -> DeliverySettings {
        DeliverySettings(smarthostHost: "127.0.0.1", smarthostPort: port, hostname: "gw.test", retry: retry,
                         connectTimeout: 2, commandTimeout: 2, dataTimeout: 2, maxConcurrent: 3)
    }

    static func tempSpool() throws -> (Spool, String) {
        let dir = NSTemporaryDirectory() + "sealgate-delivery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let keyring = try SpoolKeyring.loadOrCreate(path: dir + "/spool.key")
        return (try Spool(directory: dir + "/spool", keyring: keyring), dir)
    }

    static let logger = Logger(label: "delivery-tests")

    /// Polls `condition` every 50 ms for up to `seconds` (blocking the thread: for synchronous tests).
    static func eventually(_ seconds: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// The async variant, for async tests: polls every 10 ms with `Task.sleep`, never blocking a thread.
    static func eventually(_ seconds: TimeInterval = 10, _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return try condition()
    }

    /// True when `condition` holds throughout a short bounded wait (default 0.2 s): how a test shows
    /// that something did NOT happen (a runner woken early would have acted within it). Synchronous tests.
    static func holds(for seconds: TimeInterval = 0.2, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard try condition() else { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return try condition()
    }

    /// The async variant of `holds`, with `Task.sleep`.
    static func holds(for seconds: TimeInterval = 0.2, _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard try condition() else { return false }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return try condition()
    }
}
