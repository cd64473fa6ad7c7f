// TestSupport (test-only helpers): linked only by test targets, never by the sealgate executable.
// TestClock: a WallClock the test moves by hand; tasks sleeping on it wake when it passes their deadline.

import Foundation
import MailCore

public final class TestClock: WallClock, @unchecked Sendable {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, Error>
    }

    private let lock = NSLock()
    private var current: Date
    private var sleepers: [UInt64: Sleeper] = [:]
    private var nextID: UInt64 = 0

    public init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    public func now() -> Date { lock.withLock { current } }

    /// The deadlines of the tasks sleeping on this clock now, soonest first.
    public var sleeperDeadlines: [Date] { lock.withLock { sleepers.values.map(\.deadline).sorted() } }

    public func advance(by seconds: TimeInterval) { move { $0.addingTimeInterval(seconds) } }

    public func advance(to date: Date) { move { max($0, date) } }

    public func sleep(until deadline: Date) async throws {
        let id: UInt64 = lock.withLock { nextID += 1; return nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if deadline <= current {
                    lock.unlock()
                    continuation.resume()
                } else {
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    lock.unlock()
                }
            }
        } onCancel: {
            let sleeper = lock.withLock { sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the time and resumes every sleeper whose deadline is now reached.
    private func move(_ change: (Date) -> Date) {
        let due: [Sleeper] = lock.withLock {
            current = change(current)
            let ids = sleepers.filter { $0.value.deadline <= current }.map(\.key)
            return ids.compactMap { sleepers.removeValue(forKey: $0) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
