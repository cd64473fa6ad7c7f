// Settling a delivery's results: when the results leave nothing more to do, the entry is
// removed without first rewriting its state file (two fsyncs saved on the common path).

import MailCore

extension Spool {
    /// Applies `change` to the states under the entry's lock. When `removeIf` holds for the new
    /// states the entry is removed (envelope first, as `remove` does); otherwise the states are
    /// written durably. A crash before the removal is durable means one more delivery attempt,
    /// never a lost message (at-least-once, as in Postfix).
    public func settle(_ id: QueueID, removeIf: ([RecipientState]) -> Bool,
                       _ change: (inout [RecipientState]) throws -> Void) throws -> (states: [RecipientState], removed: Bool) {
        var removed = false
        var result: [RecipientState] = []
        try modifyStatesWritingIf(id, { states in
            try change(&states)
            result = states
            removed = removeIf(states)
            return !removed
        })
        if removed { try remove(id, durable: false) }
        return (result, removed)
    }
}
