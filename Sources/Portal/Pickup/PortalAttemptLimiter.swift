// PortalAttemptLimiter: failed codes and passwords per message, recipient and client address in an hour
// (the limit locks a key until the lockout ends or an admin unlocks it), and the hourly send windows.

import Foundation
import MailCore

/// What a failure or a send is counted against.
public struct PortalLimitKey: Hashable, Sendable, CustomStringConvertible {
    public enum Scope: String, Sendable, CaseIterable { case message, recipient, client }
    public let scope: Scope
    /// The message id, the recipient's canonical address, or the client's IP address.
    public let value: String

    public init(_ scope: Scope, _ value: String) { self.scope = scope; self.value = value }

    static func message(_ id: PortalMessageID) -> PortalLimitKey { PortalLimitKey(.message, id.text) }
    static func recipient(_ address: MailAddress) -> PortalLimitKey { PortalLimitKey(.recipient, PortalRecipientName.canonical(address)) }
    static func client(_ address: String) -> PortalLimitKey { PortalLimitKey(.client, address) }

    public var description: String { "\(scope.rawValue) \(value)" }
}

/// A lockout in force.
public struct PortalLockout: Sendable, Equatable {
    public var key: PortalLimitKey
    public var until: Date
}

/// Whether an attempt may go ahead.
enum PortalAttemptStart: Equatable {
    case started
    case locked(until: Date)
    /// As many attempts are still running as could still fail before a lockout: wait for them.
    case crowded
}

/// What one more failure did: how many tries are left before a lockout, and the lockouts it started.
struct PortalFailureOutcome: Sendable {
    var remaining: Int
    var started: [PortalLockout]
    /// The latest end of the lockouts now in force on the keys (nil when none is locked).
    var lockedUntil: Date?
}

public final class PortalAttemptLimiter: @unchecked Sendable {
    static let window: TimeInterval = 3600
    /// Keys tracked at most before old ones are pruned (bounds memory under a flood of client addresses).
    static let maxTrackedKeys = 100_000

    private let lock = NSLock()
    private var failures: [PortalLimitKey: [Date]] = [:]
    private var locks: [PortalLimitKey: Date] = [:]
    private var sends: [PortalLimitKey: [Date]] = [:]
    /// Attempts begun and not yet finished (a password being hashed), per key.
    private var pending: [PortalLimitKey: Int] = [:]
    let failuresBeforeLockout: Int
    let lockoutDuration: TimeInterval

    public init(failuresBeforeLockout: Int = 5, lockoutDuration: TimeInterval = 3600) {
        self.failuresBeforeLockout = max(1, failuresBeforeLockout); self.lockoutDuration = lockoutDuration
    }

    /// The latest end of a lockout in force on any of `keys`, nil when none is locked.
    func lockedUntil(_ keys: [PortalLimitKey], now: Date) -> Date? {
        lock.withLock { untilLocked(keys, now: now) }
    }

    /// Counts one failure against each key; a key reaching the limit is locked now (its failures cleared).
    func recordFailure(_ keys: [PortalLimitKey], now: Date) -> PortalFailureOutcome {
        lock.withLock { recordFailureLocked(keys, now: now) }
    }

    /// Begins an attempt whose verdict comes later (a password hashed on another thread). Refused when a
    /// key is locked, or when its failures in the window plus the attempts still running reach the limit:
    /// so concurrent attempts can never check more than `failuresBeforeLockout` passwords before a lockout.
    func beginAttempt(_ keys: [PortalLimitKey], now: Date) -> PortalAttemptStart {
        lock.withLock {
            if let until = untilLocked(keys, now: now) { return .locked(until: until) }
            for key in keys {
                let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < PortalAttemptLimiter.window }.count
                if recent + (pending[key] ?? 0) >= failuresBeforeLockout { return .crowded }
            }
            for key in keys { pending[key, default: 0] += 1 }
            return .started
        }
    }

    /// Ends an attempt `beginAttempt` started without a failure (a success, or no verdict at all).
    func endAttempt(_ keys: [PortalLimitKey]) {
        lock.withLock { release(keys) }
    }

    /// Ends an attempt `beginAttempt` started with a failure, counted as `recordFailure` counts it.
    func failAttempt(_ keys: [PortalLimitKey], now: Date) -> PortalFailureOutcome {
        lock.withLock {
            release(keys)
            return recordFailureLocked(keys, now: now)
        }
    }

    private func release(_ keys: [PortalLimitKey]) {
        for key in keys {
            let left = (pending[key] ?? 1) - 1
            pending[key] = left > 0 ? left : nil
        }
    }

    /// Attempts begun and not finished on `key` (for tests).
    func pendingAttempts(_ key: PortalLimitKey) -> Int { lock.withLock { pending[key] ?? 0 } }

    private func recordFailureLocked(_ keys: [PortalLimitKey], now: Date) -> PortalFailureOutcome {
        prune(now: now)
        var started: [PortalLockout] = []
        var most = 0
        for key in keys {
            guard untilLocked([key], now: now) == nil else { continue }
            var recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < PortalAttemptLimiter.window }
            recent.append(now)
            if recent.count >= failuresBeforeLockout {
                let lockout = PortalLockout(key: key, until: now.addingTimeInterval(lockoutDuration))
                locks[key] = lockout.until
                failures[key] = nil
                started.append(lockout)
            } else {
                failures[key] = recent
                most = max(most, recent.count)
            }
        }
        let until = untilLocked(keys, now: now)
        return PortalFailureOutcome(remaining: until == nil ? failuresBeforeLockout - most : 0, started: started,
                                    lockedUntil: until)
    }

    /// Forgets the failures of `keys` (after a success); lockouts stand.
    func clearFailures(_ keys: [PortalLimitKey]) {
        lock.withLock { for key in keys { failures[key] = nil } }
    }

    /// Counts a send against each key unless one of them already had `limit(key)` sends in the hour;
    /// then nothing is counted and it answers false.
    func admitSend(_ keys: [PortalLimitKey], now: Date, limit: (PortalLimitKey) -> Int) -> Bool {
        lock.withLock {
            prune(now: now)
            var windows: [PortalLimitKey: [Date]] = [:]
            for key in keys {
                let recent = (sends[key] ?? []).filter { now.timeIntervalSince($0) < PortalAttemptLimiter.window }
                guard recent.count < limit(key) else { return false }
                windows[key] = recent + [now]
            }
            for (key, window) in windows { sends[key] = window }
            return true
        }
    }

    /// Lifts the lockouts (and forgets the failures) of every key whose value is `value`, whatever its scope.
    public func unlock(value: String) -> [PortalLockout] {
        lock.withLock {
            let lifted = locks.filter { $0.key.value == value }.map { PortalLockout(key: $0.key, until: $0.value) }
            for lockout in lifted { locks[lockout.key] = nil }
            for key in failures.keys where key.value == value { failures[key] = nil }
            return lifted.sorted { $0.key.description < $1.key.description }
        }
    }

    /// The lockouts in force now, soonest ending first.
    public func lockouts(now: Date) -> [PortalLockout] {
        lock.withLock {
            locks.filter { $0.value > now }.map { PortalLockout(key: $0.key, until: $0.value) }
                .sorted { ($0.until, $0.key.description) < ($1.until, $1.key.description) }
        }
    }

    private func untilLocked(_ keys: [PortalLimitKey], now: Date) -> Date? {
        keys.compactMap { key in locks[key].flatMap { $0 > now ? $0 : nil } }.max()
    }

    /// Under the lock: when too many keys are tracked, forgets windows that are over and ended lockouts.
    private func prune(now: Date) {
        guard failures.count + sends.count + locks.count > PortalAttemptLimiter.maxTrackedKeys else { return }
        let live: ([Date]) -> Bool = { $0.contains { now.timeIntervalSince($0) < PortalAttemptLimiter.window } }
        failures = failures.filter { live($0.value) }
        sends = sends.filter { live($0.value) }
        locks = locks.filter { $0.value > now }
    }
}
