// ConnectionCache: open SMTP sessions kept for a moment after a transaction, so the next message
// to the same next hop under the same TLS policy reuses them (RSET, then MAIL) instead of a new
// connect, EHLO and TLS handshake: Postfix's connection cache (smtp_connection_cache_time_limit).

import Foundation
import MailCore
import NIOCore
import SMTPProtocol

final class ConnectionCache: @unchecked Sendable {
    /// Which sessions are interchangeable: same address and port, same name checked, and the
    /// same TLS decision (requirement, REQUIRETLS, and the plan's notes naming DANE/MTA-STS).
    struct Key: Hashable {
        var address: String
        var port: Int
        var host: String
        var requirement: TLSRequirement
        var requireTLS: Bool
        var attemptTLS: Bool
        var plan: [String]
    }

    /// A session ready for another transaction, with what was measured when it was set up.
    struct Entry {
        let connection: SMTPConnection
        let capabilities: ServerCapabilities
        let tls: TLSFacts?
        let certificateExpires: Date?
        let peerChain: [[UInt8]]
        let uses: Int
    }

    private let lock = NSLock()
    private var idle: [Key: [ObjectIdentifier: Entry]] = [:]
    private let idleTime: TimeInterval
    private let maxUses: Int
    private let maxPerKey: Int

    init(idleTime: TimeInterval = 2, maxUses: Int = 100, maxPerKey: Int = 10) {
        self.idleTime = idleTime; self.maxUses = maxUses; self.maxPerKey = maxPerKey
    }

    /// An idle session for `key`, removed from the cache (the caller owns it now).
    func take(_ key: Key) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        guard let (id, entry) = idle[key]?.first else { return nil }
        idle[key]?[id] = nil
        return entry
    }

    /// Keeps a session that just finished a transaction cleanly; closes it with QUIT when it is
    /// not taken within the idle time, or when it has been used enough.
    func put(_ key: Key, _ entry: Entry, timeout: TimeInterval) {
        guard entry.uses < maxUses else { Task { await entry.connection.quit(timeout: timeout) }; return }
        let id = ObjectIdentifier(entry.connection)
        lock.lock()
        let full = (idle[key]?.count ?? 0) >= maxPerKey
        if !full { idle[key, default: [:]][id] = entry }
        lock.unlock()
        if full { Task { await entry.connection.quit(timeout: timeout) }; return }
        entry.connection.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(idleTime * 1000))) { [weak self] in
            guard let self, let expired = self.remove(key, id) else { return }
            Task { await expired.connection.quit(timeout: timeout) }
        }
    }

    private func remove(_ key: Key, _ id: ObjectIdentifier) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = idle[key]?[id] else { return nil }
        idle[key]?[id] = nil
        return entry
    }
}
