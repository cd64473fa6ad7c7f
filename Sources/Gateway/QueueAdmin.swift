// QueueAdmin: the admin operations on queued messages (hold, release, delete), applied to the
// spool under its per-message lock. The daemon runs them for the CLI; offline the CLI runs them.

import Foundation
import MailCore
import Queue

public struct QueueAdmin: Sendable {
    public let spool: Spool

    public init(spool: Spool) { self.spool = spool }

    /// Holds every recipient that is not final; returns how many were held.
    @discardableResult
    public func hold(_ id: QueueID) throws -> Int {
        var count = 0
        try spool.modifyStates(id) { states in
            for i in states.indices where !states[i].isFinal && states[i].status != .held {
                states[i].statusBeforeHold = states[i].status
                states[i].status = .held
                count += 1
            }
        }
        return count
    }

    /// Releases held recipients and makes them due now; returns how many were released.
    @discardableResult
    public func release(_ id: QueueID, now: Date = Date()) throws -> Int {
        var count = 0
        try spool.modifyStates(id) { states in
            for i in states.indices where states[i].status == .held {
                states[i].status = states[i].statusBeforeHold ?? .pending
                states[i].statusBeforeHold = nil
                states[i].nextAttempt = now
                count += 1
            }
        }
        return count
    }

    public func delete(_ id: QueueID) throws {
        try spool.remove(id)
    }
}
