// SpoolSink when neither the audit store nor its outbox keeps the `accepted` record:
// `audit.when_unwritable: refuse` takes the message back out of the spool and answers 451 4.3.0
// (delivery never hears of it); `accept` keeps it queued and answers 250.
import Audit
import Foundation
import Logging
import MailCore
import NIOPosix
import Queue
import TestSupport
import XCTest
@testable import Gateway

final class SpoolSinkAuditTests: SpoolSinkTestCase {
    private struct Unwritable: AuditRecorder {
        struct Full: Error {}
        func record(_ event: AuditEvent) throws { throw Full() }
    }

    private final class Woken: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [QueueID] = []
        func add(_ id: QueueID) { lock.withLock { ids.append(id) } }
        var all: [QueueID] { lock.withLock { ids } }
    }

    private func sink(refuse: Bool, woken: Woken) -> SpoolSink {
        SpoolSink(spool: spool, audit: Unwritable(), pool: pool, logger: Logger(label: "test"), hostname: "gw.example.test",
                  node: 1, clock: TestClock(), refuseUnrecorded: refuse, onCommitted: { woken.add($0) })
    }

    func testRefusingTakesTheMessageBackAndAnswers451() async throws {
        let woken = Woken()
        let id = FacadeFixtures.queueID(1)
        do {
            try await sink(refuse: true, woken: woken).accept(envelope: try FacadeFixtures.envelope(id, to: ["a@example.net"]),
                                                               message: Array("Subject: x\r\n\r\nbody\r\n".utf8))
            XCTFail("an unrecorded message must be refused")
        } catch let error as DeliveryError {
            XCTAssertEqual(error.status, EnhancedStatus(4, 3, 0))
            XCTAssertFalse(error.isPermanent)
        }
        XCTAssertEqual(try spool.queueIDs(), [], "the refused message must not stay queued")
        XCTAssertEqual(woken.all, [], "delivery must never hear of it")
        XCTAssertEqual(try Spool(directory: dir + "/spool", keyring: try SpoolKeyring.loadOrCreate(path: dir + "/spool.keys"))
            .recover().committed, [], "nor come back after a restart")
    }

    func testAcceptingKeepsItQueued() async throws {
        let woken = Woken()
        let id = FacadeFixtures.queueID(2)
        try await sink(refuse: false, woken: woken).accept(envelope: try FacadeFixtures.envelope(id, to: ["a@example.net"]),
                                                            message: Array("Subject: x\r\n\r\nbody\r\n".utf8))
        XCTAssertEqual(try spool.queueIDs(), [id])
        XCTAssertEqual(woken.all, [id])
    }
}
