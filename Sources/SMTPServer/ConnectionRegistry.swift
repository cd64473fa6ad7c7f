// ConnectionRegistry: counts live sessions (in total and per client IP) to enforce the connection
// limits, and reaches every live session when the server shuts down.

import NIOConcurrencyHelpers
import NIOCore

public final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NIOLock()
    private var perIP: [String: Int] = [:]
    private var sessions: [ObjectIdentifier: SessionHandle] = [:]

    public init() {}

    struct SessionHandle {
        let eventLoop: EventLoop
        let shutdown: @Sendable () -> Void
    }

    public var count: Int { lock.withLock { sessions.count } }

    /// Registers a session unless a limit is reached.
    func register(_ id: ObjectIdentifier, ip: String, maxTotal: Int, maxPerIP: Int, handle: SessionHandle) -> Bool {
        lock.withLock {
            guard sessions.count < maxTotal, perIP[ip, default: 0] < maxPerIP else { return false }
            sessions[id] = handle
            perIP[ip, default: 0] += 1
            return true
        }
    }

    func unregister(_ id: ObjectIdentifier, ip: String) {
        lock.withLock {
            guard sessions.removeValue(forKey: id) != nil else { return }
            perIP[ip, default: 1] -= 1
            if perIP[ip] == 0 { perIP[ip] = nil }
        }
    }

    /// Asks every session to finish (421 when idle, after the current message when in DATA).
    public func shutdownAll() {
        let handles = lock.withLock { Array(sessions.values) }
        for h in handles { h.eventLoop.execute { h.shutdown() } }
    }
}
