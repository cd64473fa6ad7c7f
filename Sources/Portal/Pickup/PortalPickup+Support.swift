// PortalPickup's plumbing: store calls on the executor with their errors turned into the uniform pickup
// errors (a damaged file, or an expiry this call caused, audited on the way), and the audit records.

import Audit
import Foundation
import MailCore

extension PortalPickup {
    static let passwordAlreadySet = PortalPickupError.badForm(
        "A password is already set for this address. Use \u{201C}Forgot your password?\u{201D} to change it.")

    /// Runs a store call on the executor. Unknown ids and wrong tokens or keys become `.invalidLink`;
    /// gone becomes `.gone` (a message this very call found expired and destroyed is audited
    /// `portal_expired`: its tombstone is dated at or after `started`); damaged is audited and `.damaged`.
    /// `on` names another executor (the password pool for calls that hash a password).
    func storeCall<T: Sendable>(_ id: PortalMessageID?, client: String?, started: Date, on other: (any PortalBlockingExecutor)? = nil,
                                _ work: @escaping @Sendable (any PortalStore) throws -> T) async throws -> T {
        let store = self.store
        let executor = other ?? self.executor
        do {
            return try await executor.run { try work(store) }
        } catch let error as PortalStoreError {
            throw await pickupError(error, id: id, client: client, started: started)
        }
    }

    func pickupError(_ error: PortalStoreError, id: PortalMessageID?, client: String?, started: Date) async -> Error {
        switch error {
        case .notFound, .denied, .noPassword:
            return PortalPickupError.invalidLink
        case .gone(let gone):
            if gone.reason == .expired, gone.at >= started, let id {
                let store = self.store
                let metadata = try? await executor.run { try store.metadata(of: id) }
                await recordAfterTheFact(PortalEvent(kind: .expired, portalMessageID: id.text, queueID: metadata?.queueID,
                                                     recipient: metadata?.recipient, client: client,
                                                     detail: "destroyed when it was asked for after its expiry"))
            }
            return PortalPickupError.gone
        case .damaged(let part, let damagedID):
            await recordAfterTheFact(PortalEvent(kind: .damaged, portalMessageID: (damagedID ?? id)?.text, client: client,
                                                 detail: part.rawValue))
            logger.error("portal: \(error)")
            return PortalPickupError.damaged
        case .passwordTooShort:
            return PortalPickupError.passwordTooShort
        case .passwordAlreadySet:
            return PortalPickup.passwordAlreadySet
        case .pepperFile, .pepperMismatch, .invalidRequest, .internalFailure, .unavailable:
            return error
        }
    }

    /// Records an audit event on the executor; a failure to keep it fails the step (nothing unaudited is shown).
    func record(_ event: PortalEvent) async throws {
        let audit = self.audit
        try await executor.run { try audit.record(.portal(event)) }
    }

    /// Records an event about something already done (mail queued, a file found damaged): a failure is
    /// logged, since undoing the step is impossible (the outbox logs a record it loses as LOST too).
    func recordAfterTheFact(_ event: PortalEvent) async {
        do {
            try await record(event)
        } catch {
            logger.error("portal: audit record \(event.kind.eventName) for \(event.portalMessageID ?? "-") not kept: \(error)")
        }
    }

    /// The event for a step on a message the session holds by its link.
    func event(_ kind: PortalEvent.Kind, _ metadata: PortalMessageMetadata, client: String, detail: String? = nil) -> PortalEvent {
        PortalEvent(kind: kind, portalMessageID: metadata.id.text, queueID: metadata.queueID, recipient: metadata.recipient,
                    client: client, detail: detail)
    }

    /// Counts a failed code or password against `keys`, audits it (and each lockout it starts), and
    /// returns the error to answer: `.lockedOut` when a key is now locked, otherwise `wrong(remaining)`.
    func failure(_ keys: [PortalLimitKey], base: PortalEvent, reason: String, now: Date,
                 wrong: (Int) -> PortalPickupError) async throws -> PortalPickupError {
        try await audited(limiter.recordFailure(keys, now: now), base: base, reason: reason, wrong: wrong)
    }

    /// Audits a failure already counted (and each lockout it started); returns the error to answer.
    func audited(_ outcome: PortalFailureOutcome, base: PortalEvent, reason: String,
                 wrong: (Int) -> PortalPickupError) async throws -> PortalPickupError {
        var failed = base
        failed.kind = .loginFailed
        failed.detail = "reason=\(reason) remaining=\(outcome.remaining)"
        try await record(failed)
        for lockout in outcome.started {
            var locked = base
            locked.kind = .lockout
            locked.detail = "scope=\(lockout.key.scope.rawValue) until=\(PortalPickup.timestamp(lockout.until))"
            try await record(locked)
        }
        if let until = outcome.lockedUntil { return .lockedOut(until: until) }
        return wrong(outcome.remaining)
    }

    /// Throws `.lockedOut` when any of `keys` is locked now.
    func refuseIfLocked(_ keys: [PortalLimitKey], now: Date) throws {
        if let until = limiter.lockedUntil(keys, now: now) { throw PortalPickupError.lockedOut(until: until) }
    }

    /// An address typed into a form; `.badForm` when it is not one (which says nothing about who has an inbox).
    func typedAddress(_ text: String) throws -> MailAddress {
        guard let address = try? MailAddressParser.parse(text.trimmingCharacters(in: .whitespaces), allowUTF8: true) else {
            throw PortalPickupError.badForm("Please enter your email address as name@example.org.")
        }
        return address
    }

    func checkNewPassword(_ password: String, confirm: String) throws {
        guard password == confirm else { throw PortalPickupError.passwordMismatch }
        guard password.count >= FilePortalStore.minimumPasswordLength else { throw PortalPickupError.passwordTooShort }
        guard password.count <= PortalPickup.maximumPasswordLength else {
            throw PortalPickupError.badForm("Please choose a password of at most \(PortalPickup.maximumPasswordLength) characters.")
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Submits one portal mail from `notice_from`.
    func submit(_ kind: PortalMailKind, to recipient: MailAddress, _ message: [UInt8], regarding: QueueID?,
                id: PortalMessageID?) async throws -> QueueID {
        try await mailer.submit(PortalOutgoingMail(kind: kind, envelopeSender: settings.noticeFrom, recipient: recipient,
                                                   message: message, regarding: regarding, portalMessageID: id))
    }
}
