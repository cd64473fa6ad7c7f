// TestClock: sleepers wake when the clock reaches their deadline and not before, a deadline already
// passed returns at once, and cancelling a sleeper ends its sleep with CancellationError.
import Foundation
import TestSupport
import XCTest

final class TestClockTests: XCTestCase {
    func testSleeperWakesOnlyWhenTheClockReachesItsDeadline() async throws {
        let clock = TestClock()
        let deadline = clock.now().addingTimeInterval(10)
        let sleeper = Task { try await clock.sleep(until: deadline) }
        while clock.sleeperDeadlines.isEmpty { await Task.yield() }
        clock.advance(by: 9)
        XCTAssertEqual(clock.sleeperDeadlines, [deadline], "resumed a second early")
        clock.advance(by: 1)
        try await sleeper.value
        XCTAssertEqual(clock.sleeperDeadlines, [])
        XCTAssertEqual(clock.now(), deadline)
    }

    func testPassedDeadlineReturnsAtOnceAndTimeNeverRunsBackwards() async throws {
        let clock = TestClock()
        let start = clock.now()
        try await clock.sleep(until: start.addingTimeInterval(-1))
        clock.advance(to: start.addingTimeInterval(-60))
        XCTAssertEqual(clock.now(), start)
    }

    func testCancelledSleeperThrowsCancellationError() async {
        let clock = TestClock()
        let sleeper = Task { try await clock.sleep(until: .distantFuture) }
        while clock.sleeperDeadlines.isEmpty { await Task.yield() }
        sleeper.cancel()
        do {
            try await sleeper.value
            XCTFail("the sleep ended without an error")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        XCTAssertEqual(clock.sleeperDeadlines, [])
    }
}
