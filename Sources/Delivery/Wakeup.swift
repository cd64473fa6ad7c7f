// Wakeup: lets the queue runner sleep until a deadline or until something happens (a kick, a
// flush, a delivery finishing), whichever comes first. Signals sent while awake are not lost.

import Foundation

final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    /// Wakes the sleeper now, or makes its next `sleep` return at once.
    func signal() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
            return
        }
        pending = true
        lock.unlock()
    }

    /// Returns at `deadline`, on `signal()`, or on task cancellation.
    func sleep(until deadline: Date) async {
        let delay = deadline.timeIntervalSinceNow
        let timer = Task { [weak self] in
            if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(min(delay, 86400) * 1_000_000_000)) }
            if !Task.isCancelled { self?.signal() }
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if pending || Task.isCancelled {
                    pending = false
                    lock.unlock()
                    continuation.resume()
                    return
                }
                waiter = continuation
                lock.unlock()
            }
        } onCancel: {
            self.signal()
        }
        lock.withLock { pending = false }
    }
}

/// Runs blocking spool and audit work (fsync, SQLite) off the cooperative thread pool.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "sealgate.delivery.io", attributes: .concurrent)

    static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
