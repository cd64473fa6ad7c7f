// AuditGroupCommit: appends from many threads share one SQLite transaction (and so one fsync of
// the WAL): the first caller becomes the leader and writes every event queued while it works.

import Foundation

/// Batches work items from concurrent callers; each caller gets its own item's result back.
final class GroupCommit<Item, Output>: @unchecked Sendable {
    private final class Slot {
        let item: Item
        var result: Result<Output, Error>?
        let done = DispatchSemaphore(value: 0)
        init(_ item: Item) { self.item = item }
    }

    private let lock = NSLock()
    private var waiting: [Slot] = []
    private var leaderActive = false
    /// Writes one batch in order; returns one output per item, or throws for the whole batch.
    private let write: ([Item]) throws -> [Output]

    init(write: @escaping ([Item]) throws -> [Output]) { self.write = write }

    func submit(_ item: Item) throws -> Output {
        let mine = Slot(item)
        lock.lock()
        waiting.append(mine)
        if leaderActive {
            lock.unlock()
            mine.done.wait()
        } else {
            leaderActive = true
            lock.unlock()
            lead()
        }
        guard let result = mine.result else { throw AuditError.corruptRecord(sequence: 0, reason: "append lost") }
        return try result.get()
    }

    /// Writes batches until nothing is waiting, then steps down.
    private func lead() {
        while true {
            lock.lock()
            let batch = waiting
            waiting = []
            if batch.isEmpty {
                leaderActive = false
                lock.unlock()
                return
            }
            lock.unlock()
            let results: [Result<Output, Error>]
            do {
                let outputs = try write(batch.map(\.item))
                results = outputs.map { .success($0) }
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            for (slot, result) in zip(batch, results) {
                slot.result = result
                slot.done.signal()
            }
        }
    }
}
