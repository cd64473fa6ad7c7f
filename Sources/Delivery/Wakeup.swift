// Wakeup: lets the queue runner sleep until a deadline or until something happens (a kick, a
// flush, a delivery finishing), whichever comes first. Signals sent while awake are not lost.

import Foundation
import MailCore

final class Wakeup: @unchecked Sendable {
    /// Deadlines are kept on this clock (a test clock wakes the sleeper when it is advanced).
    private let clock: WallClock
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(clock: WallClock) {
        self.clock = clock
    }

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

    /// Returns at `deadline` on the clock, on `signal()`, or on task cancellation.
    /// `distantFuture` means "only on a signal": no timer is set.
    func sleep(until deadline: Date) async {
        let timer: Task<Void, Never>? = deadline == .distantFuture ? nil : Task { [weak self, clock] in
            do { try await clock.sleep(until: deadline) } catch { return }
            self?.signal()
        }
        defer { timer?.cancel() }
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
