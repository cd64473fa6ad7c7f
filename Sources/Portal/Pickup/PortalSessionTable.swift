// PortalSessionTable: the server-side sessions, in memory: 128-bit random ids, an idle lifetime, and a
// cap (the oldest unauthenticated session goes first when it is full). One lock; no I/O under it.

import Foundation
import MailCore

final class PortalSessionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [String: PortalSession] = [:]
    private let lifetime: TimeInterval
    private let capacity: Int
    private let randomness: any PortalRandomness

    init(lifetime: TimeInterval, capacity: Int, randomness: any PortalRandomness) {
        self.lifetime = lifetime; self.capacity = max(1, capacity); self.randomness = randomness
    }

    var count: Int { lock.withLock { sessions.count } }

    /// A new session in `stage`, making room first when the table is full.
    func create(_ stage: PortalSession.Stage, now: Date) -> PortalSessionID {
        let id = PortalSessionID(text: PortalBase32.encode(randomness.bytes(16)))
        let csrf = PortalBase32.encode(randomness.bytes(32))
        lock.withLock {
            if sessions.count >= capacity { makeRoom(now: now) }
            sessions[id.text] = PortalSession(id: id, csrf: csrf, lastUsed: now, stage: stage)
        }
        return id
    }

    /// The session, marked used now; nil (and forgotten) when unknown or idle past its lifetime.
    func use(_ id: PortalSessionID?, now: Date) -> PortalSession? {
        guard let id else { return nil }
        return lock.withLock {
            guard var session = sessions[id.text] else { return nil }
            guard now < session.lastUsed.addingTimeInterval(lifetime) else {
                sessions[id.text] = nil
                return nil
            }
            session.lastUsed = now
            sessions[id.text] = session
            return session
        }
    }

    /// Changes a live session; returns what `change` returned, or nil when the session is gone.
    @discardableResult
    func update<T>(_ id: PortalSessionID, _ change: (inout PortalSession) -> T) -> T? {
        lock.withLock {
            guard var session = sessions[id.text] else { return nil }
            let result = change(&session)
            sessions[id.text] = session
            return result
        }
    }

    func remove(_ id: PortalSessionID) {
        lock.withLock { sessions[id.text] = nil }
    }

    /// Ends every session signed in as `recipient` by password (after a reset, their key is dead).
    func removeInboxSessions(of recipient: MailAddress, except keep: PortalSessionID?) {
        lock.withLock {
            sessions = sessions.filter { entry in
                guard entry.key != keep?.text, case .inbox(let key) = entry.value.stage else { return true }
                return !PortalRecipientName.sameRecipient(key.recipient, recipient)
            }
        }
    }

    /// Under the lock: drops the idle ones, then, if still full, the least recently used unauthenticated
    /// session (scanners and abandoned links), and only when there is none the least recently used of all.
    private func makeRoom(now: Date) {
        sessions = sessions.filter { now < $0.value.lastUsed.addingTimeInterval(lifetime) }
        guard sessions.count >= capacity else { return }
        let victim = sessions.values.filter { !$0.isAuthenticated }.min { $0.lastUsed < $1.lastUsed }
            ?? sessions.values.min { $0.lastUsed < $1.lastUsed }
        if let victim { sessions[victim.id.text] = nil }
    }
}
