// Wakeup on a test clock: the sleeper wakes when the clock reaches its deadline and not before,
// on a signal at any time, and a signal sent while awake is kept for the next sleep.

import Foundation
import XCTest
@testable import Delivery

final class WakeupTests: XCTestCase {
    func testSleeperWakesExactlyAtTheDeadlineOnTheClock() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let deadline = clock.now().addingTimeInterval(60)
        let sleeper = Task { await wakeup.sleep(until: deadline) }
        XCTAssertTrue(Fixtures.eventually { clock.sleeperDeadlines == [deadline] })
        clock.advance(by: 59)
        XCTAssertEqual(clock.sleeperDeadlines, [deadline], "woken a second early")
        clock.advance(by: 1)
        await sleeper.value
        XCTAssertEqual(clock.sleeperDeadlines, [])
    }

    func testSignalWakesAndCancelsTheTimer() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        let deadline = clock.now().addingTimeInterval(3600)
        let sleeper = Task { await wakeup.sleep(until: deadline) }
        XCTAssertTrue(Fixtures.eventually { clock.sleeperDeadlines == [deadline] })
        wakeup.signal()
        await sleeper.value
        XCTAssertTrue(Fixtures.eventually { clock.sleeperDeadlines.isEmpty }, "the timer outlived the sleep")
    }

    func testASignalSentWhileAwakeIsKeptForTheNextSleep() async {
        let clock = TestClock()
        let wakeup = Wakeup(clock: clock)
        wakeup.signal()
        await wakeup.sleep(until: .distantFuture)   // returns at once: the signal came first
        XCTAssertEqual(clock.sleeperDeadlines, [], "distantFuture sets no timer")
    }
}
