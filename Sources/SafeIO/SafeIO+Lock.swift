// SafeIO locking: run a read-modify-write while holding an exclusive flock(2) on a lock file,
// so two processes (the CLI and the daemon) never lose each other's update.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeIO {
    /// Runs `body` holding an exclusive flock on `lockPath` (created 0600 if missing), waiting for it.
    public static func withExclusiveLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SafeIOError(.open, path: lockPath, errno: errno) }
        defer { _ = systemClose(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw SafeIOError(.lock, path: lockPath, errno: errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
