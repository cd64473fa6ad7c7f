// RetryScheduleTests: the default backoff (1m, 5m, 15m, 30m, then hourly), custom schedules,
// and the lifetime after which a message bounces.

import Foundation
import XCTest
import Queue

final class RetryScheduleTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func testDefaultBackoff() {
        let s = RetrySchedule()
        let delays = (1...7).map { s.nextAttempt(after: $0, from: t0).timeIntervalSince(t0) }
        XCTAssertEqual(delays, [60, 300, 900, 1800, 3600, 3600, 3600])
        XCTAssertEqual(s.nextAttempt(after: 0, from: t0), t0.addingTimeInterval(60))
    }

    func testCustomSchedule() {
        let s = RetrySchedule(steps: [10, 20], thereafter: 99, maxLifetime: 1000)
        XCTAssertEqual(s.nextAttempt(after: 1, from: t0), t0.addingTimeInterval(10))
        XCTAssertEqual(s.nextAttempt(after: 2, from: t0), t0.addingTimeInterval(20))
        XCTAssertEqual(s.nextAttempt(after: 3, from: t0), t0.addingTimeInterval(99))
        XCTAssertEqual(RetrySchedule(steps: [], thereafter: 5).delay(after: 1), 5)
    }

    func testExpiry() {
        let s = RetrySchedule()
        XCTAssertFalse(s.expired(arrival: t0, now: t0))
        XCTAssertFalse(s.expired(arrival: t0, now: t0.addingTimeInterval(5 * 86400 - 1)))
        XCTAssertTrue(s.expired(arrival: t0, now: t0.addingTimeInterval(5 * 86400)))
        XCTAssertTrue(RetrySchedule(maxLifetime: 60).expired(arrival: t0, now: t0.addingTimeInterval(61)))
    }
}
