// SpoolOwnerLock: one process owns a spool at a time. The daemon (and an offline admin command)
// holds an exclusive flock on <spool>/lock; recovery runs only while holding it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class SpoolOwnerLock: @unchecked Sendable {
    let path: String
    private var fd: Int32 = -1
    private let mutex = ReadWriteLock()

    init(directory: String) { path = "\(directory)/lock" }

    deinit { if fd >= 0 { close(fd) } }

    /// Takes the lock without waiting, or throws `busy` when another process (or another Spool
    /// instance) holds it. Taking it again in the same instance is a no-op.
    func acquire() throws {
        try mutex.exclusive {
            if fd >= 0 { return }
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard f >= 0 else { throw SpoolError.io("open \(path)", errno: errno) }
            guard flock(f, LOCK_EX | LOCK_NB) == 0 else {
                let e = errno
                close(f)
                if e == EWOULDBLOCK { throw SpoolError.busy(path) }
                throw SpoolError.io("lock \(path)", errno: e)
            }
            fd = f
        }
    }
}
