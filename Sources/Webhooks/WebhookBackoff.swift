// WebhookBackoff: when a failed webhook delivery is tried again (exponential: 30s doubling to 1h
// by default) and when it is given up (3 days after the event, as Stripe does).

import Foundation

public struct WebhookBackoff: Sendable, Equatable {
    public var first: TimeInterval
    public var maximum: TimeInterval
    public var giveUpAfter: TimeInterval

    public init(first: TimeInterval = 30, maximum: TimeInterval = 3600, giveUpAfter: TimeInterval = 3 * 86_400) {
        self.first = first; self.maximum = maximum; self.giveUpAfter = giveUpAfter
    }

    /// The wait after the `failures`-th failed attempt (1 for the first): first, 2·first, 4·first … capped at maximum.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        let exponent = Double(max(0, min(failures - 1, 40)))
        return min(first * pow(2, exponent), maximum)
    }

    /// True when an event created at `created` is no longer to be tried at `now`.
    public func givesUp(created: Date, now: Date) -> Bool {
        now.timeIntervalSince(created) >= giveUpAfter
    }
}
