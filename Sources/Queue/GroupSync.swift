// GroupSync: group commit for the spool journal. Each append takes a ticket; one caller at a time
// runs the fdatasync, and one sync makes every ticket issued before it started durable.

import Foundation

final class GroupSync: @unchecked Sendable {
    private let condition = NSCondition()
    /// Every ticket up to this one is on stable storage.
    private var durable: UInt64 = 0
    private var syncing = false
    /// Tickets in these ranges were covered by a sync that failed. They stay failed even when a
    /// later sync succeeds: after a failed fsync the kernel may have dropped those pages.
    private var failures: [(tickets: ClosedRange<UInt64>, error: Error)] = []
    /// How many syncs ran (read through `syncs`).
    private var syncCount = 0
    private var waiting = 0

    /// Returns when `ticket` is durable. `prepare` is called by the caller that runs the sync: it
    /// returns the highest ticket already written and the function that syncs it.
    func waitDurable(_ ticket: UInt64, prepare: () -> (target: UInt64, sync: () throws -> Void)) throws {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failed = failures.last(where: { $0.tickets.contains(ticket) }) { throw failed.error }
            if durable >= ticket { return }
            if !syncing {
                syncing = true
                condition.unlock()
                let (target, sync) = prepare()
                var syncError: Error?
                do { try sync() } catch { syncError = error }
                condition.lock()
                syncing = false
                syncCount += 1
                if let syncError {
                    if target > durable { failures.append(((durable + 1)...target, syncError)) }
                } else {
                    durable = max(durable, target)
                }
                condition.broadcast()
                continue
            }
            waiting += 1
            condition.wait()
            waiting -= 1
        }
    }

    /// Callers waiting for someone else's sync (for tests).
    var waiters: Int {
        condition.lock(); defer { condition.unlock() }
        return waiting
    }

    var syncs: Int {
        condition.lock(); defer { condition.unlock() }
        return syncCount
    }
}
