// PortalPickup's emailed pickup code: asked for by POST (the link is checked then, not on GET), mailed
// to the link's recipient, good once for codeLifetime in the session that asked; wrong ones count.

import Audit
import Foundation
import MailCore

extension PortalPickup {
    public func requestCode(_ session: PortalSessionID, client: String) async throws -> PortalCodeReceipt {
        let now = clock.now()
        guard let current = sessions.use(session, now: now), let (id, token) = current.link else {
            throw PortalPickupError.invalidLink
        }
        try refuseIfLocked([.client(client), .message(id)], now: now)
        let metadata = try await storeCall(id, client: client, started: now) { try $0.verifyLink(id, linkToken: token) }
        let recipient = metadata.recipient
        try refuseIfLocked([.recipient(recipient)], now: now)
        let admitted = limiter.admitSend([.message(id), .recipient(recipient), .client(client)], now: now) { key in
            key.scope == .client ? self.settings.codesPerClientPerHour : self.settings.codesPerHour
        }
        guard admitted else { throw PortalPickupError.rateLimited }

        let code = PortalOneTimeCode(randomness: randomness, expires: now.addingTimeInterval(settings.codeLifetime))
        let mail = try composer.code(to: recipient, code: code.text, expires: code.expires, purpose: .pickup)
        let queued = try await submit(.code, to: recipient, mail, regarding: metadata.queueID, id: id)
        let access = PortalLinkAccess(id: id, token: token, metadata: metadata)
        let masked = PortalAddressMask.mask(recipient)
        // A new code replaces the one before it.
        sessions.update(session) { $0.stage = .codeSent(access, masked: masked, code: code) }
        await recordAfterTheFact(event(.codeSent, metadata, client: client, detail: "purpose=pickup code mail queued as \(queued)"))
        return PortalCodeReceipt(maskedAddress: masked, expires: code.expires)
    }

    public func verifyCode(_ session: PortalSessionID, code typed: String, client: String) async throws -> PortalMessageID {
        let now = clock.now()
        guard let current = sessions.use(session, now: now) else { throw PortalPickupError.invalidLink }
        // A lockout answers first, whether or not a code is pending (a lockout spends the code).
        if let (id, _) = current.link { try refuseIfLocked([.message(id), .client(client)], now: now) }
        guard case .codeSent(let access, _, let code) = current.stage else {
            if case .reading(let access, _) = current.stage {
                // The code was used already (a reused code): it opens nothing twice.
                try await record(event(.loginFailed, access.metadata, client: client, detail: "reason=no-code-pending"))
            }
            throw PortalPickupError.codeExpired
        }
        let keys: [PortalLimitKey] = [.message(access.id), .recipient(access.recipient), .client(client)]
        try refuseIfLocked(keys, now: now)
        if code.isExpired(at: now) {
            sessions.update(session) { $0.stage = .linked(access.id, access.token) }
            try await record(event(.loginFailed, access.metadata, client: client, detail: "reason=code-expired"))
            throw PortalPickupError.codeExpired
        }
        guard code.matches(typed) else {
            let error = try await failure(keys, base: event(.loginFailed, access.metadata, client: client), reason: "wrong-code",
                                          now: now) { .wrongCode(remaining: $0) }
            // A lockout spends the code: after it a new one must be asked for.
            if case .lockedOut = error { sessions.update(session) { $0.stage = .linked(access.id, access.token) } }
            throw error
        }
        // Spend the code, unless a concurrent request already did (or a new code replaced it).
        let spent = sessions.update(session) { s -> Bool in
            guard case .codeSent(_, _, let pending) = s.stage, pending.text == code.text, pending.expires == code.expires else {
                return false
            }
            s.stage = .reading(access, key: nil)
            return true
        } ?? false
        guard spent else { throw PortalPickupError.codeExpired }
        do {
            try await record(event(.login, access.metadata, client: client, detail: "by=code"))
        } catch {
            // No unaudited sign-in: the session goes back to asking for a code.
            sessions.update(session) { $0.stage = .linked(access.id, access.token) }
            throw error
        }
        limiter.clearFailures([.message(access.id), .recipient(access.recipient)])
        return access.id
    }
}

extension PortalSession {
    /// The message id and token this session holds by its link, verified or not; nil for malformed
    /// links and for sessions that came by password or reset.
    var link: (PortalMessageID, PortalLinkToken)? {
        switch stage {
        case .linked(let id?, let token?): return (id, token)
        case .codeSent(let access, _, _), .reading(let access, _): return (access.id, access.token)
        case .linked, .inbox, .resetCodeSent: return nil
        }
    }
}
