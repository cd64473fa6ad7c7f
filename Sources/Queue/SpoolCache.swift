// SpoolCache: the envelopes and messages of recently committed entries, kept in memory so the
// delivery that follows a commit reads, decrypts and decodes nothing. Bounded by bytes, oldest out.

import Foundation
import MailCore

final class SpoolCache: @unchecked Sendable {
    struct Entry {
        let envelope: Envelope
        let message: [UInt8]
        let cost: Int
    }

    private let lock = NSLock()
    private var entries: [QueueID: Entry] = [:]
    /// Insertion order; `head` is the oldest that may still be present.
    private var order: [QueueID] = []
    private var head = 0
    private var bytes = 0
    let budget: Int

    init(budget: Int) { self.budget = budget }

    /// `envelopeBytes`: the size of the envelope's encoded form (decisions and findings included),
    /// which stands for what the decoded envelope holds in memory.
    func insert(_ envelope: Envelope, message: [UInt8], envelopeBytes: Int) {
        let cost = message.count + envelopeBytes + 256
        guard cost <= budget else { return }
        lock.withLock {
            if let old = entries.updateValue(Entry(envelope: envelope, message: message, cost: cost), forKey: envelope.queueID) {
                bytes -= old.cost
            } else {
                order.append(envelope.queueID)
            }
            bytes += cost
            while bytes > budget && head < order.count {
                let oldest = order[head]
                head += 1
                if let gone = entries.removeValue(forKey: oldest) { bytes -= gone.cost }
            }
            compactOrder()
        }
    }

    func entry(_ id: QueueID) -> Entry? {
        lock.withLock { entries[id] }
    }

    func remove(_ id: QueueID) {
        lock.withLock {
            if let gone = entries.removeValue(forKey: id) { bytes -= gone.cost }
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
}
