// Tests for SessionIdleClock, the timeout arithmetic with no timers: per read normally, per line
// (and shorter) under stress for unprivileged sessions, and the early checks that let stress reach
// sessions already connected.

import NIOCore
import XCTest
@testable import SMTPServer

final class SessionIdleClockTests: XCTestCase {
    let timeouts = SessionIdleClock.Timeouts(command: 300, data: 600, stress: 10)
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    func at(_ seconds: Int64) -> NIODeadline { t0 + .seconds(seconds) }

    func testNormallyEveryReadRestartsTheCommandOrDataTimeout() {
        var clock = SessionIdleClock(timeouts: timeouts, privileged: false, start: t0)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: false), at(300))
        XCTAssertEqual(clock.deadline(receivingData: true, underStress: false), at(600))
        clock.progress(at: at(50), recordCompleted: false)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: false), at(350), "a partial line counts as input")
    }

    func testUnderStressAnUnprivilegedSessionHasTheStressTimeoutFromItsLastCompleteLine() {
        var clock = SessionIdleClock(timeouts: timeouts, privileged: false, start: t0)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: true), at(10))
        XCTAssertEqual(clock.deadline(receivingData: true, underStress: true), at(10), "DATA too")
        clock.progress(at: at(8), recordCompleted: false)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: true), at(10), "bytes without a line end do not extend it")
        clock.progress(at: at(9), recordCompleted: true)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: true), at(19))
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: false), at(309), "stress over: the normal timeout again")
    }

    func testAStressTimeoutLongerThanTheNormalOneNeverLengthensIt() {
        let clock = SessionIdleClock(timeouts: .init(command: 5, data: 600, stress: 10), privileged: false, start: t0)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: true), at(5))
    }

    func testPrivilegedSessionsIgnoreStress() {
        var clock = SessionIdleClock(timeouts: timeouts, privileged: true, start: t0)
        clock.progress(at: at(20), recordCompleted: false)
        XCTAssertEqual(clock.deadline(receivingData: false, underStress: true), at(320))
        XCTAssertEqual(clock.nextCheck(now: at(20), receivingData: false, underStress: false), at(320), "no early checks needed")
    }

    func testUnprivilegedSessionsLookAgainEveryStressTimeoutUntilStressBegins() {
        let clock = SessionIdleClock(timeouts: timeouts, privileged: false, start: t0)
        XCTAssertEqual(clock.nextCheck(now: at(0), receivingData: false, underStress: false), at(10))
        XCTAssertEqual(clock.nextCheck(now: at(295), receivingData: false, underStress: false), at(300))
        XCTAssertEqual(clock.nextCheck(now: at(3), receivingData: false, underStress: true), at(10), "under stress: the deadline itself")
    }
}
