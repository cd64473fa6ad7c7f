// AuditOutbox: no audit record is lost silently. When the store's append fails, the record is kept
// in a durable outbox file; the waiting records are retried in order, with backoff, before any newer one.

import Foundation
import MailCore

public final class AuditOutbox: AuditRecorder, @unchecked Sendable {
    public let path: String
    private let store: AuditStore
    private let file: AuditOutboxFile
    private let clock: WallClock
    private let backoff: AuditRetryBackoff
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var pending: [AuditEvent]
    private var failures = 0
    private var retryAt: Date?

    /// Opens the outbox at `path` (a file of its own beside the store) and loads the records that
    /// wait in it from an earlier run; `drain()` or the next `record` retries them. `log` receives
    /// the error lines (how many records wait); the daemon passes its logger's `error`.
    public init(store: AuditStore, path: String, clock: WallClock,
                backoff: AuditRetryBackoff = AuditRetryBackoff(), log: @escaping @Sendable (String) -> Void) throws {
        self.store = store; self.path = path; self.clock = clock; self.backoff = backoff; self.log = log
        file = AuditOutboxFile(path: path)
        let (events, torn) = try file.load()
        pending = events
        if torn {
            try file.rewrite(events[...])
            log("audit outbox \(path): dropped a record cut short by a crash (its writer never went on)")
        }
        if !events.isEmpty { log("audit outbox \(path): \(events.count) audit record(s) wait from an earlier run") }
    }

    /// How many records wait in the outbox for the store (a gauge for metrics and `status`).
    public var waiting: Int { lock.withLock { pending.count } }

    /// When the drainer should next call `drain()`; nil when nothing waits.
    public var nextRetry: Date? { lock.withLock { pending.isEmpty ? nil : (retryAt ?? clock.now()) } }

    /// Appends `event` to the store, or keeps it in the outbox when the store fails or older records
    /// still wait (so the store never receives records out of order). Throws only when the outbox
    /// cannot keep it either.
    public func record(_ event: AuditEvent) throws {
        lock.lock()
        guard pending.isEmpty || drainLocked() else {
            defer { lock.unlock() }
            return try keepLocked(event, because: nil)
        }
        lock.unlock()
        // Nothing waits: append outside the lock, so concurrent appends still share a commit.
        do {
            _ = try store.append(event)
        } catch {
            try lock.withLock {
                noteFailureLocked()
                try keepLocked(event, because: error)
            }
        }
    }

    /// Retries the waiting records in order if the backoff allows; returns how many still wait.
    @discardableResult
    public func drain() -> Int {
        lock.withLock {
            _ = drainLocked()
            return pending.count
        }
    }

    // MARK: - under the lock

    /// True when nothing waits afterwards.
    private func drainLocked() -> Bool {
        guard !pending.isEmpty else { return true }
        if let retryAt, clock.now() < retryAt { return false }
        var sent = 0
        defer { if sent > 0 { persistLocked(dropping: sent) } }
        while sent < pending.count {
            do {
                _ = try store.append(pending[sent])
            } catch {
                noteFailureLocked()
                log("audit store append failed again: \(pending.count - sent) audit record(s) wait in \(path) "
                    + "(retry in \(Int(backoff.delay(afterFailures: failures)))s): \(error)")
                return false
            }
            sent += 1
        }
        failures = 0
        retryAt = nil
        return true
    }

    /// Forgets the first `count` records (now in the store) and rewrites the file. A failed
    /// rewrite keeps them in the file: after a restart they would be appended again (at least once).
    private func persistLocked(dropping count: Int) {
        pending.removeFirst(count)
        do {
            try file.rewrite(pending[...])
        } catch {
            log("audit outbox \(path): cannot rewrite after \(count) record(s) reached the store "
                + "(they may be appended twice after a restart): \(error)")
        }
        if pending.isEmpty { log("audit outbox \(path): drained, \(count) record(s) reached the store") }
    }

    private func keepLocked(_ event: AuditEvent, because error: Error?) throws {
        do {
            try file.append(event)
        } catch let outboxError {
            log("audit record LOST for \(event.queueID.map { "\($0)" } ?? "-") \(event.name): the store failed"
                + " (\(error.map { "\($0)" } ?? "older records wait")) and the outbox \(path) failed (\(outboxError))")
            throw AuditError.notRecorded(store: error.map { "\($0)" } ?? "older records wait", outbox: "\(outboxError)")
        }
        pending.append(event)
        log("audit store unavailable: \(pending.count) audit record(s) wait in \(path)"
            + (error.map { ": \($0)" } ?? ""))
    }

    private func noteFailureLocked() {
        failures += 1
        retryAt = clock.now().addingTimeInterval(backoff.delay(afterFailures: failures))
    }
}

/// How long the outbox waits before retrying the store: doubling from `initial`, at most `maximum`.
public struct AuditRetryBackoff: Sendable, Equatable {
    public var initial: TimeInterval
    public var maximum: TimeInterval

    public init(initial: TimeInterval = 1, maximum: TimeInterval = 300) {
        self.initial = initial; self.maximum = maximum
    }

    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        return min(maximum, initial * pow(2, Double(min(failures - 1, 30))))
    }
}
