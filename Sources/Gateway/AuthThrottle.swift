// AuthThrottle: AUTH brute force, limited per client address: after `limits.auth_failures` wrong
// passwords within `limits.auth_window`, the client's AUTH gets 454 4.7.0 for `limits.auth_lockout`.

import Foundation
import Logging
import MailCore
import SMTPProtocol
import SMTPServer

/// An Authenticator in front of another: a locked-out client is answered "temporary failure" without
/// its password ever being checked (no hashing work for the attacker), and the lockout is logged with
/// the address and the user name tried, never a password. A success clears the client's failures.
/// Postfix does this with anvil's `smtpd_client_auth_rate_limit`; Stalwart with its `auth` rate limits.
final class AuthThrottle: Authenticator, @unchecked Sendable {
    struct Limits: Sendable, Equatable {
        var failures = 5
        var window: TimeInterval = 600
        var lockout: TimeInterval = 900
    }

    private struct Record { var failures: [Date] = []; var lockedUntil: Date? }

    private let base: Authenticator
    private let limits: Limits
    private let clock: WallClock
    private let logger: Logger
    private let lock = NSLock()
    private var clients: [String: Record] = [:]
    /// Beyond this many tracked addresses, the ones with nothing recent are forgotten first.
    private let maxTracked = 100_000

    init(base: Authenticator, limits: Limits, clock: WallClock, logger: Logger) {
        self.base = base; self.limits = limits; self.clock = clock; self.logger = logger
    }

    func verify(username: String, password: String, client: String) async -> AuthResult {
        if let until = lockedUntil(client) {
            logger.warning("AUTH refused for locked-out client \(client) (user \(username.debugDescription)) until \(until)")
            return .temporaryFailure
        }
        let result = await base.verify(username: username, password: password, client: client)
        switch result {
        case .success: lock.withLock { _ = clients.removeValue(forKey: client) }
        case .failure:
            if let until = noteFailure(client) {
                let window = Int(limits.window)
                logger.error("AUTH lockout: \(limits.failures) failed logins from \(client) within \(window)s (last user \(username.debugDescription)); locked out until \(until)")
            }
        case .temporaryFailure: break
        }
        return result
    }

    /// When the client's lockout ends; nil when it may try.
    func lockedUntil(_ client: String) -> Date? {
        let now = clock.now()
        return lock.withLock {
            guard let until = clients[client]?.lockedUntil else { return nil }
            if until > now { return until }
            clients[client] = nil
            return nil
        }
    }

    /// Counts a failure; returns the lockout's end when this one starts it.
    private func noteFailure(_ client: String) -> Date? {
        let now = clock.now()
        return lock.withLock {
            if clients.count >= maxTracked { forgetStale(now) }
            var record = clients[client] ?? Record()
            record.failures = record.failures.filter { now.timeIntervalSince($0) < limits.window } + [now]
            var started: Date?
            if record.failures.count >= limits.failures {
                let until = now.addingTimeInterval(limits.lockout)
                record.lockedUntil = until
                record.failures = []
                started = until
            }
            clients[client] = record
            return started
        }
    }

    private func forgetStale(_ now: Date) {
        clients = clients.filter { _, r in
            (r.lockedUntil.map { $0 > now } ?? false) || r.failures.contains { now.timeIntervalSince($0) < limits.window }
        }
    }
}
