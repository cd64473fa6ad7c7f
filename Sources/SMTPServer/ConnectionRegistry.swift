// ConnectionRegistry: counts live sessions (in total and per client IP) to enforce the connection
// limits and the reserve kept for trusted and submission clients, tracks stress mode (Postfix's
// `${stress?…}`), and reaches every live session when the server shuts down.

import NIOConcurrencyHelpers
import NIOCore

/// The connection limits of one settings snapshot, as the registry applies them at connect.
struct ConnectionLimits: Equatable, Sendable {
    /// `limits.max_connections`: sessions on all listeners together.
    var maxTotal: Int
    /// `limits.reserved_connections`: the last slots of `maxTotal`, for privileged clients only.
    var reserved: Int
    /// `limits.max_connections_per_ip`.
    var maxPerIP: Int

    /// The slots any client may take.
    var unreserved: Int { max(0, maxTotal - reserved) }

    /// Live sessions (all kinds) at which stress mode begins: 80% of the unreserved part, rounded
    /// up, at least 1. Below it, stress mode ends. Postfix enters stress when smtpd's process limit
    /// is reached; starting earlier lets the shorter timeouts free slots before the 421s begin.
    var stressThreshold: Int { max(1, (unreserved * 4 + 4) / 5) }
}

/// A stress-mode transition, with the counts to log.
struct StressChange: Equatable, Sendable {
    var began: Bool
    /// Live sessions after the connect or disconnect that caused it.
    var inUse: Int
    var threshold: Int
    /// Connections refused while it lasted (0 when it begins).
    var refused: Int
}

public final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NIOLock()
    private var perIP: [String: Int] = [:]
    private var sessions: [ObjectIdentifier: SessionHandle] = [:]
    private var stressed = false
    /// The threshold of the latest connect's settings (a reload may change it).
    private var threshold = Int.max
    private var refusedUnderStress = 0

    public init() {}

    struct SessionHandle {
        let eventLoop: EventLoop
        let shutdown: @Sendable () -> Void
    }

    enum Refusal: Equatable {
        /// Every slot is taken.
        case full(inUse: Int)
        /// Only the reserve is left, and this client may not use it.
        case reserved(inUse: Int)
        case perIP
    }

    enum Admission: Equatable {
        /// `stress` is set when this connect began stress mode.
        case admitted(stress: StressChange?)
        case refused(Refusal)
    }

    public var count: Int { lock.withLock { sessions.count } }

    /// True while live sessions are at or above the stress threshold.
    public var underStress: Bool { lock.withLock { stressed } }

    /// Registers a session unless a limit is reached. Untrusted clients of listeners that do not
    /// require AUTH (`privileged` false) may take only the unreserved slots; the per-IP limit
    /// applies to everyone. The decision is made at connect, by client IP and listener, before
    /// the client has said anything.
    func register(_ id: ObjectIdentifier, ip: String, limits: ConnectionLimits, privileged: Bool,
                  handle: SessionHandle) -> Admission {
        lock.withLock {
            threshold = limits.stressThreshold
            let inUse = sessions.count
            let refusal: Refusal?
            if inUse >= limits.maxTotal {
                refusal = .full(inUse: inUse)
            } else if !privileged, inUse >= limits.unreserved {
                refusal = .reserved(inUse: inUse)
            } else if perIP[ip, default: 0] >= limits.maxPerIP {
                refusal = .perIP
            } else {
                refusal = nil
            }
            if let refusal {
                if stressed { refusedUnderStress += 1 }
                return .refused(refusal)
            }
            sessions[id] = handle
            perIP[ip, default: 0] += 1
            guard !stressed, sessions.count >= threshold else { return .admitted(stress: nil) }
            stressed = true
            refusedUnderStress = 0
            return .admitted(stress: StressChange(began: true, inUse: sessions.count, threshold: threshold, refused: 0))
        }
    }

    /// Gives the session's slot back; returns the end of stress mode when this was what ended it.
    @discardableResult
    func unregister(_ id: ObjectIdentifier, ip: String) -> StressChange? {
        lock.withLock {
            guard sessions.removeValue(forKey: id) != nil else { return nil }
            perIP[ip, default: 1] -= 1
            if perIP[ip] == 0 { perIP[ip] = nil }
            guard stressed, sessions.count < threshold else { return nil }
            stressed = false
            return StressChange(began: false, inUse: sessions.count, threshold: threshold, refused: refusedUnderStress)
        }
    }

    /// Asks every session to finish (421 when idle, after the current message when in DATA).
    public func shutdownAll() {
        let handles = lock.withLock { Array(sessions.values) }
        for h in handles { h.eventLoop.execute { h.shutdown() } }
    }
}
