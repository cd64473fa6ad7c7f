// PortalPickup's passwords: set after a pickup by link, sign in to the inbox, reset by an emailed code.
// Wrong passwords and reset codes count like pickup codes; unknown addresses answer as known ones do.

import Audit
import Foundation
import MailCore

extension PortalPickup {
    public func setPassword(_ session: PortalSessionID, password: String, confirm: String, client: String) async throws {
        let now = clock.now()
        guard let current = sessions.use(session, now: now), case .reading(let access, let existing) = current.stage else {
            throw PortalPickupError.invalidLink
        }
        guard existing == nil else { throw PortalPickup.passwordAlreadySet }
        try checkNewPassword(password, confirm: confirm)
        let key = try await storeCall(access.id, client: client, started: now, on: passwordExecutor) {
            try $0.setPassword(password, opening: access.id, linkToken: access.token)
        }
        sessions.update(session) { $0.stage = .reading(access, key: key) }
        try await record(event(.passwordSet, access.metadata, client: client))
    }

    public func login(address: String, password: String, client: String) async throws -> PortalSessionID {
        let now = clock.now()
        let recipient = try typedAddress(address)
        let keys: [PortalLimitKey] = [.recipient(recipient), .client(client)]
        try refuseIfLocked(keys, now: now)
        guard password.count <= PortalPickup.maximumPasswordLength else { throw PortalPickupError.wrongPassword }
        // The attempt counts as pending from here until its hash is done: concurrent sign-ins cannot
        // check more passwords than the lockout allows while the first ones are still hashing.
        switch limiter.beginAttempt(keys, now: now) {
        case .started: break
        case .locked(let until): throw PortalPickupError.lockedOut(until: until)
        case .crowded: throw PortalPickupError.rateLimited
        }
        let base = PortalEvent(kind: .loginFailed, recipient: recipient, client: client)
        let store = self.store
        let key: PortalRecipientKey
        do {
            key = try await passwordExecutor.run { try store.unlock(recipient, password: password) }
        } catch PortalStoreError.denied, PortalStoreError.noPassword {
            // No password and a wrong one answer alike, and both count (no address enumeration).
            let outcome = limiter.failAttempt(keys, now: clock.now())
            throw try await audited(outcome, base: base, reason: "wrong-password") { _ in .wrongPassword }
        } catch {
            // No verdict (the password pool is full, the store failed): nothing counted.
            limiter.endAttempt(keys)
            if let error = error as? PortalStoreError { throw await pickupError(error, id: nil, client: client, started: now) }
            throw error
        }
        limiter.endAttempt(keys)
        // Recorded before the session exists: no unaudited sign-in.
        try await record(PortalEvent(kind: .login, recipient: key.recipient, client: client, detail: "by=password"))
        limiter.clearFailures([.recipient(recipient)])
        return sessions.create(.inbox(key), now: now)
    }

    public func inbox(_ session: PortalSessionID) async throws -> [PortalMessageMetadata] {
        let now = clock.now()
        guard let current = sessions.use(session, now: now) else { throw PortalPickupError.invalidLink }
        let key: PortalRecipientKey
        switch current.stage {
        case .inbox(let k), .reading(_, let k?): key = k
        case .reading, .linked, .codeSent, .resetCodeSent: throw PortalPickupError.invalidLink
        }
        do {
            return try await storeCall(nil, client: nil, started: now) { try $0.inbox(for: key) }
        } catch PortalPickupError.invalidLink {
            // The key was reset meanwhile: this session's sign-in is over.
            sessions.remove(session)
            throw PortalPickupError.invalidLink
        }
    }

    public func requestReset(address: String, client: String) async throws -> PortalSessionID {
        let now = clock.now()
        let recipient = try typedAddress(address)
        // Locks and rates are kept per typed address, known or not, so they answer alike.
        try refuseIfLocked([.recipient(recipient), .client(client)], now: now)
        let admitted = limiter.admitSend([.recipient(recipient), .client(client)], now: now) { key in
            key.scope == .client ? self.settings.codesPerClientPerHour : self.settings.codesPerHour
        }
        guard admitted else { throw PortalPickupError.rateLimited }
        let store = self.store
        let known = (try? await executor.run { try store.hasPassword(recipient) }) ?? false
        var code: PortalOneTimeCode?
        if known {
            let fresh = PortalOneTimeCode(randomness: randomness, expires: now.addingTimeInterval(settings.codeLifetime))
            let mail = try composer.code(to: recipient, code: fresh.text, expires: fresh.expires, purpose: .reset)
            let queued = try await submit(.code, to: recipient, mail, regarding: nil, id: nil)
            await recordAfterTheFact(PortalEvent(kind: .codeSent, recipient: recipient, client: client,
                                                 detail: "purpose=reset code mail queued as \(queued)"))
            code = fresh
        }
        return sessions.create(.resetCodeSent(recipient, masked: PortalAddressMask.mask(recipient), code: code), now: now)
    }

    public func completeReset(_ session: PortalSessionID, code typed: String, password: String, confirm: String,
                              client: String) async throws {
        let now = clock.now()
        guard let current = sessions.use(session, now: now),
              case .resetCodeSent(let recipient, let masked, let code) = current.stage else {
            throw PortalPickupError.invalidLink
        }
        let keys: [PortalLimitKey] = [.recipient(recipient), .client(client)]
        try refuseIfLocked(keys, now: now)
        try checkNewPassword(password, confirm: confirm)
        if let code, code.isExpired(at: now) {
            sessions.update(session) { $0.stage = .resetCodeSent(recipient, masked: masked, code: nil) }
            throw PortalPickupError.codeExpired
        }
        // No code went to an unknown address: any code typed for it is wrong, and counts the same.
        guard let code, code.matches(typed) else {
            let base = PortalEvent(kind: .loginFailed, recipient: recipient, client: client)
            let error = try await failure(keys, base: base, reason: "wrong-reset-code", now: now) { .wrongCode(remaining: $0) }
            if case .lockedOut = error { sessions.update(session) { $0.stage = .resetCodeSent(recipient, masked: masked, code: nil) } }
            throw error
        }
        let spent = sessions.update(session) { s -> Bool in
            guard case .resetCodeSent(_, _, let pending?) = s.stage, pending.text == code.text, pending.expires == code.expires else {
                return false
            }
            s.stage = .resetCodeSent(recipient, masked: masked, code: nil)
            return true
        } ?? false
        guard spent else { throw PortalPickupError.codeExpired }
        let key: PortalRecipientKey
        do {
            key = try await storeCall(nil, client: client, started: now, on: passwordExecutor) {
                try $0.resetPassword(recipient, newPassword: password)
            }
        } catch PortalPickupError.rateLimited {
            // The password pool was full: no verdict, so the right code stays good for another try.
            sessions.update(session) { $0.stage = .resetCodeSent(recipient, masked: masked, code: code) }
            throw PortalPickupError.rateLimited
        }
        sessions.update(session) { $0.stage = .inbox(key) }
        sessions.removeInboxSessions(of: recipient, except: session)
        limiter.clearFailures([.recipient(recipient)])
        try await record(PortalEvent(kind: .passwordReset, recipient: recipient, client: client))
    }
}
