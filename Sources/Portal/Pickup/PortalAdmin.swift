// PortalAdmin: what `sealgate portal list|show|revoke|unlock|purge-expired` do through the control
// socket: metadata only, never content; every change audited with the admin who made it.

import Audit
import Foundation
import MailCore

public struct PortalAdmin: Sendable {
    let store: any PortalStore
    let executor: any PortalBlockingExecutor
    let audit: any AuditRecorder
    let limiter: PortalAttemptLimiter
    let clock: any WallClock

    public init(store: any PortalStore, executor: any PortalBlockingExecutor, audit: any AuditRecorder,
                limiter: PortalAttemptLimiter, clock: any WallClock) {
        self.store = store; self.executor = executor; self.audit = audit; self.limiter = limiter; self.clock = clock
    }

    /// Every message, active and gone, oldest first (damaged records as their ids).
    public func list() async throws -> [PortalListEntry] {
        let store = self.store
        return try await executor.run { try store.list() }
    }

    /// One message's metadata; `.notFound` for an id that is not one.
    public func show(_ id: String) async throws -> PortalMessageMetadata {
        let parsed = try messageID(id)
        let store = self.store
        return try await executor.run { try store.metadata(of: parsed) }
    }

    /// Destroys the message now; its metadata (nil when its record was damaged). `.gone` when it already was.
    @discardableResult
    public func revoke(_ id: String, actor: String) async throws -> PortalMessageMetadata? {
        let parsed = try messageID(id)
        let store = self.store
        let revoked = try await executor.run { try store.revoke(parsed) }
        try await record(PortalEvent(kind: .revoked, portalMessageID: parsed.text, queueID: revoked?.queueID,
                                     recipient: revoked?.recipient, actor: actor,
                                     detail: revoked == nil ? "the record was damaged; destroyed all the same" : nil))
        return revoked
    }

    /// Destroys every expired message; each is audited `portal_expired` with the admin as actor.
    public func purgeExpired(actor: String) async throws -> [PortalMessageMetadata] {
        let store = self.store
        let expired = try await executor.run { try store.expire() }
        for metadata in expired { try await record(PortalAdmin.expiredEvent(metadata, actor: actor)) }
        return expired
    }

    /// Lifts every lockout on `target` (a message id, an address or a client IP address) and audits
    /// each; returns the ones lifted (none when nothing was locked, which is not an error).
    public func unlock(target: String, actor: String) async throws -> [PortalLockout] {
        let trimmed = target.trimmingCharacters(in: .whitespaces)
        var values = [trimmed]
        if let id = PortalMessageID(trimmed) { values = [id.text] }
        if let address = try? MailAddressParser.parse(trimmed, allowUTF8: true) {
            values.append(PortalRecipientName.canonical(address))
        }
        var lifted: [PortalLockout] = []
        for value in Set(values) { lifted += limiter.unlock(value: value) }
        for lockout in lifted {
            let key = lockout.key
            // A message's unlock names its queue id too, so `audit query --queue-id` shows it beside the lockout.
            let queueID = key.scope == .message ? await queueID(ofMessage: key.value) : nil
            try await record(PortalEvent(kind: .unlock, portalMessageID: key.scope == .message ? key.value : nil, queueID: queueID,
                                         recipient: key.scope == .recipient ? try? MailAddressParser.parse(key.value, allowUTF8: true) : nil,
                                         client: key.scope == .client ? key.value : nil, actor: actor,
                                         detail: "scope=\(key.scope.rawValue)"))
        }
        return lifted
    }

    /// The lockouts in force now.
    public func lockouts() -> [PortalLockout] { limiter.lockouts(now: clock.now()) }

    /// The lockouts in force now on this message or on its recipient.
    public func lockouts(touching metadata: PortalMessageMetadata) -> [PortalLockout] {
        let keys: Set<PortalLimitKey> = [.message(metadata.id), .recipient(metadata.recipient)]
        return lockouts().filter { keys.contains($0.key) }
    }

    static func expiredEvent(_ metadata: PortalMessageMetadata, actor: String?) -> PortalEvent {
        PortalEvent(kind: .expired, portalMessageID: metadata.id.text, queueID: metadata.queueID, recipient: metadata.recipient,
                    actor: actor)
    }

    /// The queue id the message came from; nil when it is gone, damaged or not a message id.
    private func queueID(ofMessage text: String) async -> QueueID? {
        guard let id = PortalMessageID(text) else { return nil }
        let store = self.store
        return try? await executor.run { try store.metadata(of: id) }.queueID
    }

    private func messageID(_ text: String) throws -> PortalMessageID {
        guard let id = PortalMessageID(text.trimmingCharacters(in: .whitespaces)) else { throw PortalStoreError.notFound }
        return id
    }

    private func record(_ event: PortalEvent) async throws {
        let audit = self.audit
        try await executor.run { try audit.record(.portal(event)) }
    }
}
