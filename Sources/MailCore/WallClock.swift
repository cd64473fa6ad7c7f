// WallClock: the one source of "now" and of timed waits for everything that keeps time (the queue
// runner's retries, MTA-STS and DNS cache expiry, DOB plausibility). Tests pass a clock they advance.

import Foundation

public protocol WallClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Returns once `now()` has reached `deadline`. Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The operating system's clock; sleeps with `Task.sleep`.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        while true {
            let delay = deadline.timeIntervalSince(Date())
            if delay <= 0 { return }
            // At most a day per step, so a far deadline (or `distantFuture`) cannot overflow.
            try await Task.sleep(nanoseconds: UInt64(min(delay, 86_400) * 1_000_000_000))
        }
    }
}
