// RetrySchedule: when a deferred recipient is tried again (1m, 5m, 15m, 30m, then hourly by
// default) and when a message has been queued too long and must bounce.

import Foundation

public struct RetrySchedule: Sendable, Equatable {
    public var steps: [TimeInterval]
    public var thereafter: TimeInterval
    public var maxLifetime: TimeInterval

    public init(steps: [TimeInterval] = [60, 300, 900, 1800], thereafter: TimeInterval = 3600,
                maxLifetime: TimeInterval = 5 * 86400) {
        self.steps = steps; self.thereafter = thereafter; self.maxLifetime = maxLifetime
    }

    /// The delay after the `attempts`-th failed attempt: steps[attempts-1], then `thereafter`.
    /// Zero or negative `attempts` counts as the first.
    public func delay(after attempts: Int) -> TimeInterval {
        let index = max(attempts, 1) - 1
        return index < steps.count ? steps[index] : thereafter
    }

    /// When to try again after `attempts` failed attempts, the last of them at `from`.
    public func nextAttempt(after attempts: Int, from: Date) -> Date {
        from.addingTimeInterval(delay(after: attempts))
    }

    /// True once the message has been queued for `maxLifetime` or longer: it bounces.
    public func expired(arrival: Date, now: Date) -> Bool {
        now.timeIntervalSince(arrival) >= maxLifetime
    }
}
