// SpoolCache: the envelopes and messages of recently committed entries, kept in memory so the
// delivery that follows a commit reads, decrypts and decodes nothing. Bounded by bytes, oldest out.

import Foundation
import MailCore

final class SpoolCache: @unchecked Sendable {
    struct Entry {
        let envelope: Envelope
        let message: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [QueueID: Entry] = [:]
    /// Insertion order; `head` is the oldest that may still be present.
    private var order: [QueueID] = []
    private var head = 0
    private var bytes = 0
    let budget: Int

    init(budget: Int) { self.budget = budget }

    func insert(_ envelope: Envelope, message: [UInt8]) {
        let cost = Self.cost(message)
        guard cost <= budget else { return }
        lock.withLock {
            if let old = entries.updateValue(Entry(envelope: envelope, message: message), forKey: envelope.queueID) {
                bytes -= Self.cost(old.message)
            } else {
                order.append(envelope.queueID)
            }
            bytes += cost
            while bytes > budget && head < order.count {
                let oldest = order[head]
                head += 1
                if let gone = entries.removeValue(forKey: oldest) { bytes -= Self.cost(gone.message) }
            }
            compactOrder()
        }
    }

    func entry(_ id: QueueID) -> Entry? {
        lock.withLock { entries[id] }
    }

    func remove(_ id: QueueID) {
        lock.withLock {
            if let gone = entries.removeValue(forKey: id) { bytes -= Self.cost(gone.message) }
            compactOrder()
        }
    }

    var count: Int { lock.withLock { entries.count } }

    /// Drops the dead prefix of `order` (and removed IDs) once it outgrows the live entries.
    private func compactOrder() {
        guard order.count - head > 2 * entries.count + 64 || head > 4096 else { return }
        order = order[head...].filter { entries[$0] != nil }
        head = 0
    }

    /// Message bytes plus a rough allowance for the decoded envelope.
    private static func cost(_ message: [UInt8]) -> Int { message.count + 1024 }
}
