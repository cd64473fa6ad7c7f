// PortalBlockingExecutor: where the pickup runs blocking work (store file I/O, scrypt, audit appends),
// off the async tasks that serve pages: the daemon's NIOThreadPool, or an inline one in tests.

import NIOPosix

public protocol PortalBlockingExecutor: Sendable {
    /// Runs `work` on a thread that may block and returns (or throws) what it did.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

extension NIOThreadPool: PortalBlockingExecutor {
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await runIfActive(work)
    }
}
