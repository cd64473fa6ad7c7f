// PortalExpirySweeper: destroys expired portal messages (the store's expire) and audits each one
// `portal_expired`; Gateway runs `run()` in its service group, a sweep an hour.

import Audit
import Foundation
import Logging
import MailCore

public struct PortalExpirySweeper: Sendable {
    public static let defaultInterval: TimeInterval = 3600

    let store: any PortalStore
    let executor: any PortalBlockingExecutor
    let audit: any AuditRecorder
    let clock: any WallClock
    let interval: TimeInterval
    let logger: Logger

    public init(store: any PortalStore, executor: any PortalBlockingExecutor, audit: any AuditRecorder, clock: any WallClock,
                interval: TimeInterval = PortalExpirySweeper.defaultInterval,
                logger: Logger = Logger(label: "sealgate.portal")) {
        self.store = store; self.executor = executor; self.audit = audit; self.clock = clock
        self.interval = interval; self.logger = logger
    }

    /// One sweep: the messages it destroyed (each audited). Failures are logged; the next sweep retries.
    @discardableResult
    public func sweep() async -> [PortalMessageMetadata] {
        let store = self.store, audit = self.audit
        do {
            let expired = try await executor.run { try store.expire() }
            for metadata in expired {
                let event = AuditEvent.portal(PortalAdmin.expiredEvent(metadata, actor: nil))
                do {
                    try await executor.run { try audit.record(event) }
                } catch {
                    logger.error("portal: audit record portal_expired for \(metadata.id) not kept: \(error)")
                }
            }
            if !expired.isEmpty { logger.info("portal: \(expired.count) expired message(s) destroyed") }
            return expired
        } catch {
            logger.error("portal: expiry sweep failed: \(error)")
            return []
        }
    }

    /// Sweeps now and then every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await sweep()
            do {
                try await clock.sleep(until: clock.now().addingTimeInterval(interval))
            } catch {
                return
            }
        }
    }
}
