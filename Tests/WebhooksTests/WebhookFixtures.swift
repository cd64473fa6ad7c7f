// WebhookFixtures: sample audit events, a recording transport and temporary directories for the
// Webhooks tests. The accepted record carries a PHI finding sample that must never reach a payload.

import Audit
import Foundation
import MailCore
import Webhooks
import XCTest

enum WebhookFixture {
    static let queueID = QueueID(microseconds: 1_795_428_000_000_000, node: 1, random: 12345)
    static let phiSample = "123-45-6789"

    static func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: true) }

    static let tls13 = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                                verification: .verified(trust: .daneEE), peerSubject: "mx.partner.example", peerIssuer: "Test CA")

    static func accepted() throws -> AuditEvent {
        let client = ClientInfo(address: "127.0.0.5", port: 40000, hostname: nil, helo: "client.example", protocolName: "ESMTPS",
                                authenticatedUser: nil, tls: tls13, listener: "relay")
        return .accepted(AcceptedEvent(queueID: queueID, sender: try address("alice@gw.example"),
                                       recipients: [try address("bob@partner.example")], size: 1234, client: client,
                                       findings: [Finding(type: .ssn, sample: phiSample, part: "1", confidence: 0.9)],
                                       messageID: "<m1@gw.example>"))
    }

    static func delivered(method: String = "smime") throws -> AuditEvent {
        var attempt = AttemptEvent(queueID: queueID, recipient: try address("bob@Partner.example"), attempt: 1,
                                   relayHost: "mx.partner.example", relayIP: "127.0.0.7", relayPort: 25, tls: tls13,
                                   reply: "250 2.0.0 Ok \(phiSample)", status: EnhancedStatus(2, 0, 0), outcome: .delivered)
        attempt.method = MethodRecord(method: method, otherwise: nil, skipped: [], encryption: nil)
        return .delivered(attempt)
    }

    static func bounced(reason: String? = nil) throws -> AuditEvent {
        .bounced(AttemptEvent(queueID: queueID, recipient: try address("nobody@partner.example"), attempt: 1,
                              relayHost: "mx.partner.example", reply: "550 5.1.1 <nobody@partner.example>: no such user",
                              status: EnhancedStatus(5, 1, 1), outcome: .bounced, reason: reason))
    }

    static func deferred() throws -> AuditEvent {
        .deferred(AttemptEvent(queueID: queueID, recipient: try address("bob@partner.example"), attempt: 1,
                               status: EnhancedStatus(4, 3, 0), outcome: .deferred))
    }
}

/// A transport that answers with the statuses it is given (the last one repeats) and keeps each request.
final class ScriptedTransport: WebhookTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int]
    private(set) var requests: [(body: [UInt8], headers: [(String, String)])] = []

    init(_ statuses: [Int]) { self.statuses = statuses }

    func post(_ body: [UInt8], headers: [(String, String)]) async throws -> Int {
        lock.withLock {
            requests.append((body, headers))
            return statuses.count > 1 ? statuses.removeFirst() : statuses[0]
        }
    }
    func shutdown() async {}
    var count: Int { lock.withLock { requests.count } }
}

final class CountingObserver: WebhookObserver, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [WebhookAttemptResult] = []
    func attempt(_ result: WebhookAttemptResult) { lock.withLock { results.append(result) } }
    func backlog(_ count: Int) {}
}

/// Records into memory (the base recorder the webhook decorator wraps).
final class ListRecorder: AuditRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [AuditEvent] = []
    var failing = false
    struct Refused: Error {}
    func record(_ event: AuditEvent) throws {
        if failing { throw Refused() }
        lock.withLock { events.append(event) }
    }
}

/// The log lines a dispatcher wrote.
final class ListRecorderLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = NSTemporaryDirectory() + "sealgate-webhooks-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}
