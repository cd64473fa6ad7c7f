// AuditOutbox: no audit record is lost silently. When the store's append fails, the record is kept
// in a durable outbox file; `drain()` (the daemon's drainer, on its pool) retries them in order, with
// backoff, before any newer one. `record` itself never calls the store while records wait.

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
    /// A `drain()` is appending waiting records to the store (outside the lock).
    private var draining = false
    /// How many `record` calls are appending straight to the store (outside the lock) right now.
    private var directAppends = 0

    /// Opens the outbox at `path` (a file of its own beside the store) and loads the records that
    /// wait in it from an earlier run; `drain()` retries them. `log` receives the error lines (how
    /// many records wait); the daemon passes its logger's `error`.
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

    /// How many records wait in the outbox for the store (a gauge for metrics; logged on every failure).
    public var waiting: Int { lock.withLock { pending.count } }

    /// How many records wait in the outbox file at `path`, read without opening it for writing (for
    /// `sealgate audit verify`, which may run beside the daemon); 0 when there is no file.
    public static func waitingRecords(at path: String) throws -> Int {
        try AuditOutboxFile(path: path).load().events.count
    }

    /// When the drainer should next call `drain()`; nil when nothing waits.
    public var nextRetry: Date? { lock.withLock { pending.isEmpty ? nil : (retryAt ?? clock.now()) } }

    /// Appends `event` to the store when nothing waits and no drain is in flight; otherwise, or when
    /// the store fails, appends it to the outbox file (durably) and returns: it never calls the store
    /// for waiting records, which is `drain()`'s job. Throws only when the outbox cannot keep it either.
    ///
    /// Order: when one `record` returns before another begins, the first reaches the store first.
    /// (Calls that overlap have no order between them: concurrent direct appends, one failing and
    /// kept while the other succeeds, land in either order.) So a message's records, which its
    /// writers make one after another, keep their order.
    public func record(_ event: AuditEvent) throws {
        let direct: Bool = try lock.withLock {
            if pending.isEmpty && !draining {
                directAppends += 1
                return true
            }
            try keepLocked(event, because: nil)
            return false
        }
        guard direct else { return }
        // Outside the lock, so concurrent appends still share a commit and never wait on each other here.
        do {
            _ = try store.append(event)
            lock.withLock { directAppends -= 1 }
        } catch {
            try lock.withLock {
                directAppends -= 1
                noteFailureLocked()
                try keepLocked(event, because: error)
            }
        }
    }

    /// Retries the waiting records in order if the backoff allows, one store append at a time with
    /// the lock released (so `record` callers never wait on the store); returns how many still wait.
    /// Does nothing while another drain or a direct append is in flight (the drainer comes back).
    @discardableResult
    public func drain() -> Int {
        guard var batch = lock.withLock({ beginDrainLocked() }) else { return waiting }
        var total = 0
        while true {
            var sent = 0
            var failure: Error?
            for event in batch {
                do { _ = try store.append(event); sent += 1 } catch { failure = error; break }
            }
            total += sent
            guard let next = lock.withLock({ settleLocked(sent: sent, failure: failure, total: total) }) else { break }
            batch = next
        }
        return waiting
    }

    // MARK: - under the lock

    /// The first records to append, with `draining` set; nil when there is nothing to do yet.
    private func beginDrainLocked() -> ArraySlice<AuditEvent>? {
        guard !pending.isEmpty, !draining, directAppends == 0 else { return nil }
        if let retryAt, clock.now() < retryAt { return nil }
        draining = true
        return batchLocked()
    }

    /// The oldest waiting records, persisted as gone after each batch: one record while few wait (so
    /// a crash replays at most one), more when many do (so the file is not rewritten once per record).
    private func batchLocked() -> ArraySlice<AuditEvent> {
        pending.prefix(max(1, min(Self.maxBatch, pending.count / 64)))
    }

    /// The most records one rewrite of the outbox file covers (and a crash can append twice).
    static let maxBatch = 16

    /// After a batch: forgets the `sent` records (now in the store) and rewrites the file; returns
    /// the next batch, or nil when the drain ends (nothing waits, or the store failed again).
    private func settleLocked(sent: Int, failure: Error?, total: Int) -> ArraySlice<AuditEvent>? {
        if sent > 0 { persistLocked(dropping: sent) }
        if let failure {
            draining = false
            noteFailureLocked()
            log("audit store append failed again: \(pending.count) audit record(s) wait in \(path) "
                + "(retry in \(Int(backoff.delay(afterFailures: failures)))s): \(failure)")
            return nil
        }
        guard !pending.isEmpty else {
            draining = false
            failures = 0
            retryAt = nil
            log("audit outbox \(path): drained, \(total) record(s) reached the store")
            return nil
        }
        return batchLocked()
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
