// AuditFixtures: sample events, a fixed clock and temporary directories for the Audit tests.
// Values are fixed so rendered strings and hashes can be compared exactly.

import Foundation
import MailCore
import XCTest
@testable import Audit

enum Fixture {
    /// Mon, 23 Nov 2026 10:00:00 +0000.
    static let time = Date(timeIntervalSince1970: 1_795_428_000)
    static let clock: WallClock = FixedClock(time: Fixture.time)
    static let queueID = QueueID(microseconds: 1_795_428_000_000_000, node: 1, random: 12345)
    static let otherQueueID = QueueID(microseconds: 1_795_428_000_000_001, node: 1, random: 999)

    static func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: true) }

    static let tls13 = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                                verification: .verified(trust: .pkix), peerSubject: "mx.partner.example", peerIssuer: "Test CA")

    static func client(tls: TLSFacts? = nil) -> ClientInfo {
        ClientInfo(address: "127.0.0.5", port: 40000, hostname: nil, helo: "client.example", protocolName: tls == nil ? "ESMTP" : "ESMTPS",
                   authenticatedUser: nil, tls: tls, listener: "relay")
    }

    static func accepted(_ q: QueueID = queueID) throws -> AuditEvent {
        .accepted(AcceptedEvent(queueID: q, sender: try address("alice@gw.example"),
                                recipients: [try address("bob@partner.example"), try address("carol@partner.example")],
                                size: 1234, client: client(tls: tls13)))
    }

    static func delivered(_ q: QueueID = queueID, tls: TLSFacts? = tls13) throws -> AuditEvent {
        .delivered(AttemptEvent(queueID: q, recipient: try address("bob@partner.example"), attempt: 1,
                                relayHost: "mx.partner.example", relayIP: "127.0.0.7", relayPort: 25, tls: tls,
                                reply: "250 2.0.0 Ok", status: EnhancedStatus(2, 0, 0), outcome: .delivered))
    }

    static func deferred(_ q: QueueID = queueID) throws -> AuditEvent {
        .deferred(AttemptEvent(queueID: q, recipient: try address("carol@partner.example"), attempt: 2,
                               relayHost: "mx.partner.example", relayIP: "127.0.0.7", relayPort: 25,
                               reply: "451 4.3.0 Try again later", status: EnhancedStatus(4, 3, 0), outcome: .deferred,
                               delay: 61.5))
    }

    static func admin(_ q: QueueID? = queueID) -> AuditEvent {
        .adminAction(AdminEvent(actor: "root", action: .showBody, queueID: q, detail: "via queue show --body"))
    }
}

/// A fresh temporary directory, removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = NSTemporaryDirectory() + "sealgate-audit-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

/// A clock that always reads `time` (record times only; the stores never sleep).
struct FixedClock: WallClock {
    let time: Date
    func now() -> Date { time }
    func sleep(until deadline: Date) async throws {
        guard deadline <= time else { throw CancellationError() }
    }
}
