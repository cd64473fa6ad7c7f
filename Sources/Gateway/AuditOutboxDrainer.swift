// AuditOutboxDrainer: the daemon's task that retries the audit outbox once its backoff is due, so
// records kept while the audit store failed reach it even when no new record comes in.

import Audit
import Foundation
import NIOPosix

struct AuditOutboxDrainer: Sendable {
    let outbox: AuditOutbox
    let pool: NIOThreadPool
    /// The longest it sleeps, so records kept since the last look are not left waiting long.
    var poll: TimeInterval = 1

    /// Runs until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            let due = outbox.nextRetry.map { $0.timeIntervalSinceNow } ?? poll
            try? await Task.sleep(nanoseconds: UInt64(min(poll, max(0.01, due)) * 1_000_000_000))
            guard outbox.nextRetry.map({ $0.timeIntervalSinceNow <= 0 }) ?? false else { continue }
            _ = try? await pool.runIfActive { [outbox] in outbox.drain() }
        }
    }
}
