// Hold and release: the admin state changes on one message's recipients, made under the
// message's lock so they never lose an update racing with a delivery's result.

import Foundation
import MailCore

extension Spool {
    /// Holds every recipient that is not final; returns how many were newly held.
    @discardableResult
    public func hold(_ id: QueueID) throws -> Int {
        var count = 0
        try modifyStates(id) { states in
            for i in states.indices where !states[i].isFinal && states[i].status != .held {
                states[i].statusBeforeHold = states[i].status
                states[i].status = .held
                count += 1
            }
        }
        return count
    }

    /// Releases held recipients and makes them due at `now`; returns how many were released.
    @discardableResult
    public func release(_ id: QueueID, now: Date) throws -> Int {
        var count = 0
        try modifyStates(id) { states in
            for i in states.indices where states[i].status == .held {
                states[i].status = states[i].statusBeforeHold ?? .pending
                states[i].statusBeforeHold = nil
                states[i].nextAttempt = now
                count += 1
            }
        }
        return count
    }
}
