// DestinationLimiter: at most N connections open at once to one destination domain, across all
// messages being delivered; callers wait (FIFO) for a free slot.

import Foundation

actor DestinationLimiter {
    private let limit: Int
    private var open: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire(_ key: String) async {
        if open[key, default: 0] < limit {
            open[key, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    /// Hands the slot to the next waiter, or frees it.
    func release(_ key: String) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()
            return
        }
        let count = open[key, default: 1] - 1
        open[key] = count > 0 ? count : nil
    }

    /// How many connections to `key` are open now (for tests and reports).
    func inUse(_ key: String) -> Int { open[key] ?? 0 }

    nonisolated func withSlot<T: Sendable>(_ key: String, _ body: @Sendable () async -> T) async -> T {
        await acquire(key)
        let result = await body()
        await release(key)
        return result
    }
}
