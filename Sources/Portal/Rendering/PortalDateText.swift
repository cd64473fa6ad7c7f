// PortalDateText: how the pages and portal mail write a date for people ("3 December 2026, 08:15
// UTC"), always in UTC and English so the text does not depend on the host's locale.

import Foundation

enum PortalDateText {
    static func long(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
