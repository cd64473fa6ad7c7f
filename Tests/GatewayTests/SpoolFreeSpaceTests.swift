// SpoolFreeSpace: the reserve and Postfix's 1.5 × SIZE rule over a measured free space, one
// measurement a second at most, an unmeasurable spool not refused; and the real statvfs answers.
// Also SpoolSink's reply to a failed commit: 452 4.3.1 for a full disk, 451 4.3.0 otherwise.

import Foundation
import Logging
import MailCore
import Queue
import SafeIO
import XCTest
@testable import Gateway

#if canImport(Glibc)
import Glibc
#endif

final class SpoolFreeSpaceTests: XCTestCase {
    final class Gauge: @unchecked Sendable {
        var free: Int64?
        var reads = 0
        init(_ free: Int64?) { self.free = free }
    }

    private func room(reserve: Int, _ gauge: Gauge) -> SpoolFreeSpace {
        SpoolFreeSpace(path: "/unused", reserve: reserve, measure: { _ in gauge.reads += 1; return gauge.free })
    }

    func testTheReserveAndOneAndAHalfTimesTheDeclaredSizeMustBothBeFree() {
        let free = room(reserve: 1000, Gauge(3000))
        XCTAssertTrue(free.hasRoom(for: 0))
        XCTAssertTrue(free.hasRoom(for: 2000), "3000 free covers 1.5 × 2000")
        XCTAssertFalse(free.hasRoom(for: 2001), "1.5 × 2001 is more than 3000")
        XCTAssertFalse(room(reserve: 3001, Gauge(3000)).hasRoom(for: 0), "below the reserve: refused even without SIZE")
    }

    func testAYesServesASecondANoIsMeasuredAgainAndAnUnmeasurableSpoolIsNotRefused() {
        let gauge = Gauge(10)
        let free = room(reserve: 100, gauge)
        XCTAssertFalse(free.hasRoom(for: 0))
        XCTAssertEqual(gauge.reads, 2, "a refusal is measured afresh before it is given")
        gauge.free = 1000
        XCTAssertTrue(free.hasRoom(for: 0), "room that came back is seen at once, not a second later")
        XCTAssertEqual(gauge.reads, 3)
        gauge.free = 10
        XCTAssertTrue(free.hasRoom(for: 0), "a yes serves a second: a disk that fills meanwhile is the commit's 452")
        XCTAssertEqual(gauge.reads, 3, "MAIL FROM must not stat the disk each time")
        XCTAssertTrue(room(reserve: 100, Gauge(nil)).hasRoom(for: 1 << 30))
    }

    func testStatvfsOfARealDirectoryAnswersAndOfAMissingOneDoesNot() throws {
        let free = try XCTUnwrap(SpoolFreeSpace.availableBytes(NSTemporaryDirectory()))
        XCTAssertGreaterThan(free, 0)
        XCTAssertNil(SpoolFreeSpace.availableBytes("/nonexistent/sealgate-\(UUID())"))
        XCTAssertFalse(SpoolFreeSpace(path: NSTemporaryDirectory(), reserve: Int(free) * 2).hasRoom(for: 0))
        XCTAssertTrue(SpoolFreeSpace(path: NSTemporaryDirectory(), reserve: 0).hasRoom(for: 0))
    }

    func testAFullDiskAtCommitIs452Dot431AndOtherFailures451Dot430() {
        let id = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 1)
        let logger = Logger(label: "test")
        for error: Error in [SpoolError.io("write journal/1", errno: ENOSPC),
                             SafeIOError(.write, path: "msg/x", errno: EDQUOT)] {
            let full = SpoolSink.commitFailure(error, queueID: id, logger: logger)
            XCTAssertEqual(full.reply?.code, 452, "\(error)")
            XCTAssertEqual(full.reply?.status, EnhancedStatus(4, 3, 1))
        }
        let other = SpoolSink.commitFailure(SpoolError.io("write journal/1", errno: EIO), queueID: id, logger: logger)
        XCTAssertNil(other.reply)
        XCTAssertEqual(other.status, EnhancedStatus(4, 3, 0))
    }

    func testSpoolMinFreeDefaultsToOneAndAHalfMessageLimitsAndTakesASize() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ConfigFixtures.minimal + "limits: {max_message_size: 10MB"
        XCTAssertEqual(try ConfigFixtures.config(base + "}\n", in: dir).effectiveSpoolMinFree, 15_000_000)
        XCTAssertEqual(try ConfigFixtures.config(base + ", spool_min_free: 2MiB}\n", in: dir).effectiveSpoolMinFree, 2 << 20)
        XCTAssertEqual(try ConfigFixtures.config(base + ", spool_min_free: 0}\n", in: dir).effectiveSpoolMinFree, 0)
        let bad = ConfigFixtures.diagnostics(base + ", spool_min_free: lots}\n", in: dir)
        XCTAssertTrue(bad.contains { $0.contains("limits.spool_min_free") }, bad.joined(separator: "\n"))
    }
}
