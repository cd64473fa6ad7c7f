// ChainHeadsPublisher: on PostgreSQL, the daemon's task that records the other nodes' chain heads
// (a chain_heads record) at start and every audit.chain_heads_interval, through the outbox.

import Audit
import Foundation
import Logging
import MailCore
import NIOPosix

struct ChainHeadsPublisher: Sendable {
    let store: PostgresAuditStore
    let outbox: AuditOutbox
    let pool: NIOThreadPool
    let clock: WallClock
    let interval: TimeInterval
    let logger: Logger

    /// Runs until the task is cancelled. A round that cannot read the heads (PostgreSQL down) is skipped.
    func run() async {
        var last: [ChainHead]?
        while !Task.isCancelled {
            last = await publish(unless: last) ?? last
            do { try await clock.sleep(until: clock.now().addingTimeInterval(interval)) } catch { return }
        }
    }

    /// Records the other nodes' heads unless they are the ones last recorded (or there are none);
    /// returns what it recorded.
    func publish(unless previous: [ChainHead]?) async -> [ChainHead]? {
        let heads: [ChainHead]
        do { heads = try await store.otherHeads() } catch {
            if !Task.isCancelled { logger.warning("audit: cannot read the other nodes' chain heads: \(error)") }
            return nil
        }
        guard !heads.isEmpty, heads != previous else { return nil }
        do {
            try await pool.runIfActive { [outbox] in try outbox.record(.chainHeads(ChainHeadsEvent(heads: heads))) }
            return heads
        } catch {
            logger.error("audit: chain_heads record not kept: \(error)")
            return nil
        }
    }
}
