// Wakeup on a test clock: the sleeper wakes when the clock reaches its deadline and not before,
// on a signal at any time, and a signal sent while awake is kept for the next sleep.

import Foundation
import TestSupport
import XCTest
@testable import Delivery

/// A flag one task sets and the test reads.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class WakeupTests: XCTestCase {
    func testSleeperWakesExactlyAtTheDeadlineOnTheClock() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let deadline = clock.now().addingTimeInterval(60)
        let finished = Flag()
        let sleeper = Task {
            await wakeup.sleep(until: deadline)
            finished.set()
        }
        let sleeping = await Fixtures.eventually { clock.sleeperDeadlines == [deadline] }
        XCTAssertTrue(sleeping)
        clock.advance(by: 59)
        let stillAsleep = await Fixtures.holds { !finished.isSet }
        XCTAssertTrue(stillAsleep, "woken a second early")
        XCTAssertEqual(clock.sleeperDeadlines, [deadline])
        clock.advance(by: 1)
        await sleeper.value
        XCTAssertTrue(finished.isSet)
        XCTAssertEqual(clock.sleeperDeadlines, [])
    }

    func testSignalWakesAndCancelsTheTimer() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let deadline = clock.now().addingTimeInterval(3600)
        let sleeper = Task { await wakeup.sleep(until: deadline) }
        let sleeping = await Fixtures.eventually { clock.sleeperDeadlines == [deadline] }
        XCTAssertTrue(sleeping)
        wakeup.signal()
        await sleeper.value
        let timerGone = await Fixtures.eventually { clock.sleeperDeadlines.isEmpty }
        XCTAssertTrue(timerGone, "the timer outlived the sleep")
    }

    func testASignalSentWhileAwakeIsKeptForTheNextSleep() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        wakeup.signal()
        await wakeup.sleep(until: .distantFuture)   // returns at once: the signal came first
        XCTAssertEqual(clock.sleeperDeadlines, [], "distantFuture sets no timer")
    }
}
