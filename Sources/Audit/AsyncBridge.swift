// AsyncBridge: runs postgres-nio's async calls for the synchronous AuditStore protocol. Callers are
// blocking-pool threads or a CLI's main thread, never a concurrency-pool thread; the wait is bounded.

import Dispatch
import Foundation

public enum AsyncBridge {
    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }

    /// Runs `body` in a detached task and waits for it at most `timeout` seconds; on time-out the
    /// task is cancelled and `PostgresAuditError.timedOut` thrown (what the task did may still land).
    public static func wait<T>(timeout: TimeInterval, what: String, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            throw PostgresAuditError.timedOut(what: what, seconds: Int(timeout))
        }
        guard let result = box.result else { throw PostgresAuditError.timedOut(what: what, seconds: Int(timeout)) }
        return try result.get()
    }
}
