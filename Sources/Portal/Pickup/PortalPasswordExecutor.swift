// PortalPasswordExecutor: where the slow password hash (scrypt) runs: the portal's own few threads, with a
// bounded queue, so a flood of sign-ins never holds the threads the spool, audit and store calls need.

import Foundation

public final class PortalPasswordExecutor: PortalBlockingExecutor, @unchecked Sendable {
    private let base: any PortalBlockingExecutor
    private let lock = NSLock()
    private var inFlight = 0
    /// Hashes running or waiting at most; one more is refused with `.rateLimited` (429) at once.
    public let maxInFlight: Int

    /// `base` should be a pool of its own (the daemon gives the portal two threads); `maxInFlight`
    /// bounds the memory scrypt holds (each hash takes 128 × r × 2^cost bytes while it runs).
    public init(base: any PortalBlockingExecutor, maxInFlight: Int) {
        self.base = base
        self.maxInFlight = max(1, maxInFlight)
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = lock.withLock { () -> Bool in
            guard inFlight < maxInFlight else { return false }
            inFlight += 1
            return true
        }
        guard admitted else { throw PortalPickupError.rateLimited }
        defer { lock.withLock { inFlight -= 1 } }
        return try await base.run(work)
    }

    /// Hashes running or waiting now (for tests).
    public var pending: Int { lock.withLock { inFlight } }
}
