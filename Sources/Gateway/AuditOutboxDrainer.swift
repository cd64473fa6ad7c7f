// AuditOutboxDrainer: the daemon's task that retries the audit outbox once its backoff is due, on
// the blocking-work pool; the only caller of `drain()` (writers only append to the outbox).

import Audit
import Foundation
import MailCore
import NIOPosix

struct AuditOutboxDrainer: Sendable {
    let outbox: AuditOutbox
    let pool: NIOThreadPool
    let clock: WallClock
    /// The longest it sleeps, so records kept since the last look are not left waiting long.
    var poll: TimeInterval = 1

    /// Runs until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            let now = clock.now()
            let due = outbox.nextRetry.map { $0.timeIntervalSince(now) } ?? poll
            do { try await clock.sleep(until: now.addingTimeInterval(min(poll, max(0.01, due)))) } catch { return }
            guard outbox.nextRetry.map({ $0 <= clock.now() }) ?? false else { continue }
            _ = try? await pool.runIfActive { [outbox] in outbox.drain() }
        }
    }
}
