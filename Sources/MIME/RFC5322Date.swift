// RFC5322Date: the date-time form used in Date:, Arrival-Date: and Received: fields,
// e.g. "Mon, 23 Nov 2026 10:00:00 +0000", always in UTC so output does not depend on the host.

import Foundation

public enum RFC5322Date {
    public static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for pattern in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z"] {
            formatter.dateFormat = pattern
            if let d = formatter.date(from: text.trimmingWhitespace()) { return d }
        }
        return nil
    }
}
