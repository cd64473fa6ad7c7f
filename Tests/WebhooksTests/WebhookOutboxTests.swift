// WebhookOutboxTests: events are kept in order in 0600 files, survive a reopen (a restart), and the
// dispatcher sends them signed, retries a failure after the backoff, and gives up after the limit.

import Audit
import Foundation
import MailCore
import TestSupport
import XCTest
@testable import Webhooks

final class WebhookOutboxTests: XCTestCase {
    let secret = Array("0123456789abcdef0123".utf8)

    func testOutboxSurvivesReopenInOrder() throws {
        let dir = try makeTempDir(self) + "/q"
        let outbox = try WebhookOutbox(directory: dir)
        try outbox.enqueue(eventID: "evt_a", body: Array("{\"n\":1}".utf8), created: Date(timeIntervalSince1970: 10))
        try outbox.enqueue(eventID: "evt_b", body: Array("{\"n\":2}".utf8), created: Date(timeIntervalSince1970: 11))
        let reopened = try WebhookOutbox(directory: dir)
        XCTAssertEqual(reopened.count, 2)
        let head = try XCTUnwrap(reopened.head())
        XCTAssertEqual(head.eventID, "evt_a")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: "\(dir)/\(name)")[.posixPermissions] as? Int)
            XCTAssertEqual(mode, 0o600, name)
        }
        try reopened.remove(head)
        try reopened.enqueue(eventID: "evt_c", body: [], created: Date(timeIntervalSince1970: 12))
        let again = try WebhookOutbox(directory: dir)
        XCTAssertEqual(try again.head()?.eventID, "evt_b")
        try again.remove(try XCTUnwrap(again.head()))
        XCTAssertEqual(try again.head()?.eventID, "evt_c", "a sequence number is never reused after a removal")
    }

    func testRecorderQueuesFinalOutcomesAfterTheAuditRecordAndNeverFailsMail() throws {
        let dir = try makeTempDir(self)
        let outbox = try WebhookOutbox(directory: dir + "/q")
        let base = ListRecorder()
        let endpoint = WebhookEndpoint(url: "https://127.0.0.1:1/hook", secret: secret, events: [.delivered])
        let recorder = WebhookAuditRecorder(base: base, queues: [.init(endpoint: endpoint, outbox: outbox)],
                                            mapper: WebhookEventMapper(node: "gw"), clock: TestClock(), log: { _ in })
        try recorder.record(try WebhookFixture.accepted())
        try recorder.record(try WebhookFixture.deferred())
        try recorder.record(try WebhookFixture.bounced())     // not subscribed
        try recorder.record(try WebhookFixture.delivered())
        XCTAssertEqual(base.events.count, 4)
        XCTAssertEqual(outbox.count, 1)
        let body = try XCTUnwrap(outbox.head()).body
        XCTAssertTrue(body.contains("\"message_id\":\"<m1@gw.example>\""), body)
        XCTAssertFalse(body.contains(WebhookFixture.phiSample), body)
        // An outbox that cannot write (its directory gone) is logged, never thrown to the mail path.
        try FileManager.default.removeItem(atPath: dir + "/q")
        XCTAssertNoThrow(try recorder.record(try WebhookFixture.delivered()))
        // The audit record's own failure still goes up (as without webhooks).
        base.failing = true
        XCTAssertThrowsError(try recorder.record(try WebhookFixture.delivered()))
    }

    func testDispatcherSignsRetriesWithBackoffAndDeliversInOrder() async throws {
        let outbox = try WebhookOutbox(directory: try makeTempDir(self) + "/q")
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        try outbox.enqueue(eventID: "evt_1", body: Array("{\"n\":1}".utf8), created: clock.now())
        try outbox.enqueue(eventID: "evt_2", body: Array("{\"n\":2}".utf8), created: clock.now())
        let transport = ScriptedTransport([500, 503, 200])
        let observer = CountingObserver()
        let dispatcher = WebhookDispatcher(endpoint: WebhookEndpoint(url: "https://x/", secret: secret), outbox: outbox,
                                           transport: transport, clock: clock, observer: observer, log: { _ in })
        let retry = try await dispatcher.step(now: clock.now())
        XCTAssertEqual(retry, clock.now().addingTimeInterval(30))
        let notDue = try await dispatcher.step(now: clock.now())
        XCTAssertEqual(notDue, retry, "not due yet: nothing sent")
        XCTAssertEqual(transport.count, 1)
        clock.advance(by: 30)
        let second = try await dispatcher.step(now: clock.now())
        XCTAssertEqual(second, clock.now().addingTimeInterval(60))
        clock.advance(by: 60)
        _ = try await dispatcher.step(now: clock.now())
        _ = try await dispatcher.step(now: clock.now())
        XCTAssertEqual(outbox.count, 0)
        XCTAssertEqual(observer.results, [.failed, .failed, .ok, .ok])
        let ids = transport.requests.map { $0.headers.first { $0.0 == WebhookSignature.eventIDHeaderName }?.1 }
        XCTAssertEqual(ids, ["evt_1", "evt_1", "evt_1", "evt_2"])
        for request in transport.requests {
            let header = try XCTUnwrap(request.headers.first { $0.0 == WebhookSignature.headerName }?.1)
            XCTAssertTrue(WebhookSignature.verify(header: header, secret: secret, body: request.body))
        }
    }

    func testDispatcherGivesUpAfterTheLimit() async throws {
        let outbox = try WebhookOutbox(directory: try makeTempDir(self) + "/q")
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        try outbox.enqueue(eventID: "evt_1", body: [], created: clock.now())
        let observer = CountingObserver()
        let lines = ListRecorderLines()
        let dispatcher = WebhookDispatcher(endpoint: WebhookEndpoint(url: "https://x/", secret: secret), outbox: outbox,
                                           transport: ScriptedTransport([500]), clock: clock, observer: observer,
                                           log: { lines.append($0) })
        _ = try await dispatcher.step(now: clock.now())
        clock.advance(by: 3 * 86_400)
        _ = try await dispatcher.step(now: clock.now())
        XCTAssertEqual(observer.results, [.failed, .gaveUp])
        XCTAssertEqual(outbox.count, 0)
        XCTAssertTrue(lines.all.last?.hasPrefix("webhook_gave_up: event evt_1") ?? false, "\(lines.all)")
    }
}
