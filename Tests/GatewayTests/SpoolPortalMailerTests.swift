// SpoolPortalMailer and StorePortalSink against a real spool: portal mail is queued with its own
// envelope and no decisions; a reply runs the live inspector (policy can refuse it, then nothing is queued).
import Audit
import Foundation
import Logging
import MailCore
import NIOPosix
import Portal
import Queue
import SMTPServer
import TestSupport
import XCTest
@testable import Gateway

final class SpoolPortalMailerTests: SpoolSinkTestCase {
    private let committed = CommittedIDs()

    private func mailer(inspector: MessageInspector?) -> SpoolPortalMailer {
        let committed = self.committed
        let sink = SpoolSink(spool: spool, audit: NoAudit(), pool: pool, logger: Logger(label: "test"), hostname: "gw.example.test",
                             node: 3, clock: TestClock(), onCommitted: { committed.add($0) })
        let settings = InboundSettings(hostname: "gw.example.test", nodeID: 3, maxMessageSize: 1 << 20, maxRecipients: 10,
                                       maxDataLineLength: 1000, trustedNetworks: [], normalizeBareNewlineNetworks: [],
                                       commandTimeout: 60, dataTimeout: 60, maxConnections: 1, maxConnectionsPerIP: 1,
                                       tlsContext: nil, inspector: inspector)
        return SpoolPortalMailer(sink: sink, inbound: LiveInboundSettings(settings), hostname: "gw.example.test", node: 3,
                                 clock: TestClock(), logger: Logger(label: "test"))
    }

    private func address(_ text: String) throws -> MailAddress { try MailAddressParser.parse(text, allowUTF8: true) }

    private func mail(_ kind: PortalMailKind, body: String = "Subject: x\r\n\r\nhello\r\n") throws -> PortalOutgoingMail {
        PortalOutgoingMail(kind: kind, envelopeSender: try address("portal@clinic.example"), recipient: try address("pat@home.example"),
                           message: Array(body.utf8), regarding: nil, portalMessageID: nil)
    }

    func testANoticeIsQueuedFromTheNoticeAddressWithNoDecisionsAndWakesDelivery() async throws {
        let inspector = CountingInspector(reject: false)
        let id = try await mailer(inspector: inspector).submit(try mail(.notice))
        let envelope = try spool.envelope(id)
        XCTAssertEqual(envelope.sender?.description, "portal@clinic.example")
        XCTAssertEqual(envelope.recipients.map(\.address.description), ["pat@home.example"])
        XCTAssertNil(envelope.recipients[0].notify, "a notice with a sender keeps the RFC 3461 default")
        XCTAssertNil(envelope.decisions, "notices are not judged by policy: TLS at the destination's level")
        XCTAssertEqual(envelope.client.listener, "portal-notice")
        XCTAssertEqual(try spool.message(id), Array("Subject: x\r\n\r\nhello\r\n".utf8))
        XCTAssertEqual(committed.all, [id])
        XCTAssertEqual(inspector.calls, 0)
    }

    func testAReplyIsScannedAndJudgedAndQueuedAsPolicyRewroteIt() async throws {
        let inspector = CountingInspector(reject: false)
        let id = try await mailer(inspector: inspector).submit(try mail(.reply))
        let envelope = try spool.envelope(id)
        XCTAssertEqual(inspector.calls, 1)
        XCTAssertEqual(envelope.decisions?.count, 1)
        XCTAssertEqual(envelope.decisions?.first?.trace.rule, "test.yaml:1 replies")
        XCTAssertEqual(envelope.client.listener, "portal-reply")
        XCTAssertEqual(try spool.message(id), Array("X-Scanned: yes\r\nSubject: x\r\n\r\nhello\r\n".utf8))
        XCTAssertEqual(envelope.size, "X-Scanned: yes\r\nSubject: x\r\n\r\nhello\r\n".utf8.count)
        XCTAssertEqual(committed.all, [id])
    }

    func testAReplyPolicyRejectsIsRefusedAndNothingIsQueued() async throws {
        let inspector = CountingInspector(reject: true)
        do {
            _ = try await mailer(inspector: inspector).submit(try mail(.reply))
            XCTFail("a rejected reply was queued")
        } catch let error as PortalPickupError {
            guard case .badForm(let text) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("not allowed here"), text)
        }
        XCTAssertEqual(try spool.queueIDs(), [])
        XCTAssertEqual(committed.all, [])
    }

    func testEveryPortalKindHasALocalKindOfTheSameName() {
        for kind in PortalMailKind.allCases {
            XCTAssertEqual(SpoolPortalMailer.localKind(kind).rawValue, kind.rawValue)
        }
    }

    func testPolicyPortalOptionsBecomeDepositOptions() {
        XCTAssertEqual(StorePortalSink.depositOptions(nil), PortalDepositOptions())
        let options = PortalOptions(expiry: 86400 * 7, noticeSubject: true, senderCopy: true, readReceipt: true)
        XCTAssertEqual(StorePortalSink.depositOptions(options),
                       PortalDepositOptions(lifetime: 86400 * 7, noticeSubject: true, senderCopy: true, readReceipt: true))
        XCTAssertEqual(StorePortalSink.depositOptions(PortalOptions(senderCopy: true)).lifetime, PortalDepositOptions.defaultLifetime)
    }

    func testThePepperFileIsMadeOnceWithMode0600AndThenRead() throws {
        let path = dir + "/keys/portal.pepper"
        _ = try PortalRuntime.openPepper(path, randomness: SystemPortalRandomness(), logger: Logger(label: "test"))
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        XCTAssertEqual(mode.intValue & 0o777, 0o600)
        _ = try PortalRuntime.openPepper(path, randomness: SystemPortalRandomness(), logger: Logger(label: "test"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), written, "an existing pepper file is never replaced")
        chmod(path, 0o644)
        XCTAssertThrowsError(try PortalRuntime.openPepper(path, randomness: SystemPortalRandomness(), logger: Logger(label: "test")))
    }
}

private final class CommittedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [QueueID] = []
    func add(_ id: QueueID) { lock.withLock { ids.append(id) } }
    var all: [QueueID] { lock.withLock { ids } }
}

private struct NoAudit: AuditRecorder {
    func record(_ event: AuditEvent) throws {}
}

/// Accepts with one decision per recipient and a header added, or rejects every recipient.
private final class CountingInspector: MessageInspector, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let reject: Bool
    init(reject: Bool) { self.reject = reject }
    var calls: Int { lock.withLock { count } }

    func inspect(message: [UInt8], sender: MailAddress?, recipients: [RecipientSpec], client: ClientInfo) async -> Inspection {
        lock.withLock { count += 1 }
        let trace = DecisionTrace(rule: "test.yaml:1 replies", findingCounts: [:], uninspectedParts: 0, score: 0)
        let action: DecisionAction = reject ? .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "not allowed here")) : .deliver
        let decisions = recipients.map { _ in Decision(action: action, trace: trace) }
        return Inspection(decisions: decisions, findings: [], rewritten: reject ? nil : Array("X-Scanned: yes\r\n".utf8) + message)
    }
}
