// AuditTime: the two time formats of the audit log, computed from integer milliseconds so they
// are exact: ISO 8601 UTC ("2026-11-23T10:00:00.000Z") and RFC 5322 ("Mon, 23 Nov 2026 10:00:00 +0000").

import Foundation
import MailCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum AuditTime {
    /// Whole milliseconds since 1970, rounded to nearest.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The date truncated to what the log stores.
    static func storedDate(_ date: Date) -> Date { Date(milliseconds: milliseconds(date)) }

    static func iso8601(_ date: Date) -> String {
        let ms = milliseconds(date)
        let (secs, frac) = floorDivide(ms, 1000)
        let t = utc(secs)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day, t.hour, t.minute, t.second, Int(frac))
    }

    /// Parses exactly the form `iso8601(_:)` writes.
    static func parseISO8601(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 24, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A, u[16] == 0x3A, u[19] == 0x2E,
              u[23] == 0x5A else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (0x30...0x39).contains(u[i]) else { return nil }; v = v * 10 + Int(u[i] - 0x30) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
              let s = num(17..<19), let f = num(20..<23), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        let days = CivilCalendar.days(year: y, month: mo, day: d)
        let secs = Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return Date(milliseconds: secs * 1000 + Int64(f))
    }

    static func rfc5322(_ date: Date) -> String {
        let (secs, _) = floorDivide(milliseconds(date), 1000)
        let t = utc(secs)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let clock = String(format: "%04d %02d:%02d:%02d", t.year, t.hour, t.minute, t.second)
        return "\(days[t.weekday]), \(t.day) \(months[t.month - 1]) \(clock) +0000"
    }

    private struct Civil { var year, month, day, hour, minute, second, weekday: Int }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    private static func utc(_ secs: Int64) -> Civil {
        let (days, rem) = floorDivide(secs, 86_400)
        let date = CivilCalendar.civil(fromDays: days)
        let weekday = Int(floorDivide(days + 4, 7).1) // 1970-01-01 was a Thursday
        return Civil(year: date.year, month: date.month, day: date.day, hour: Int(rem / 3600), minute: Int(rem % 3600 / 60),
                     second: Int(rem % 60), weekday: weekday)
    }
}

extension Date {
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
