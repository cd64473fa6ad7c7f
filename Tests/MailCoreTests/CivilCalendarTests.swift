// CivilCalendarTests: known dates on both sides of 1970 and of leap days, and days ↔ date round
// trips over four centuries (including 1900 and 2100, which are not leap years, and 2000, which is).

import XCTest
@testable import MailCore

final class CivilCalendarTests: XCTestCase {
    func testKnownDates() {
        XCTAssertEqual(CivilCalendar.days(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilCalendar.days(year: 1969, month: 12, day: 31), -1)
        XCTAssertEqual(CivilCalendar.days(year: 2000, month: 3, day: 1), 11_017)
        XCTAssertEqual(CivilCalendar.days(year: 2026, month: 11, day: 23), 20_780)
        let d = CivilCalendar.civil(fromDays: 20_780)
        XCTAssertEqual([d.year, d.month, d.day], [2026, 11, 23])
        let leap = CivilCalendar.civil(fromDays: Int64(CivilCalendar.days(year: 2000, month: 2, day: 29)))
        XCTAssertEqual([leap.year, leap.month, leap.day], [2000, 2, 29])
        let after1900 = CivilCalendar.civil(fromDays: Int64(CivilCalendar.days(year: 1900, month: 2, day: 28) + 1))
        XCTAssertEqual([after1900.year, after1900.month, after1900.day], [1900, 3, 1], "1900 is not a leap year")
    }

    func testEveryDayRoundTripsAndFollowsTheDayBefore() {
        var previous = CivilCalendar.civil(fromDays: -25_567)  // 1900-01-01
        XCTAssertEqual([previous.year, previous.month, previous.day], [1900, 1, 1])
        for days in Int64(-25_566)...Int64(120_000) {  // to the year 2298
            let date = CivilCalendar.civil(fromDays: days)
            XCTAssertEqual(Int64(CivilCalendar.days(year: date.year, month: date.month, day: date.day)), days)
            let nextDay = date.day == previous.day + 1 && date.month == previous.month
            let nextMonth = date.day == 1 && (date.month == previous.month + 1 || (date.month == 1 && previous.month == 12))
            if !(nextDay || nextMonth) { return XCTFail("\(previous) is followed by \(date)") }
            previous = date
        }
    }
}
