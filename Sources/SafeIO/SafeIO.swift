// SafeIO: the one durable-write routine (chasquid's safeio, Postfix's mail_stream.c): a whole file
// replaced through a temp file in the same directory, fsync, rename, fsync the directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SafeIO {
    /// Replaces `path` with `bytes`, durably and atomically: readers see the old file or the whole new
    /// one, never part of it. The file has `mode` from its first byte (the umask does not apply).
    /// A failure at any step, a failed fsync included, throws and leaves no temp file behind.
    public static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let temp = "\(path).tmp.\(getpid()).\(UInt32.random(in: 0 ... .max))"
        try createSynced(temp, bytes, mode: mode)
        do {
            try rename(temp, path)
        } catch {
            unlink(temp)
            throw error
        }
        try syncDirectory(directory(of: path))
    }

    /// Creates `path` exclusively (never replacing a file) with `mode`, writes all of `bytes`, fsyncs
    /// and closes it. On failure the partial file is unlinked. The directory entry is not synced:
    /// callers rename it or sync the directory themselves (the spool syncs once per commit).
    public static func createSynced(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw SafeIOError(.create, path: path, errno: errno) }
        do {
            guard fchmod(fd, mode) == 0 else { throw SafeIOError(.chmod, path: path, errno: errno) }
            try writeAll(fd: fd, bytes, path: path)
            try sync(fd: fd, path: path)
        } catch {
            _ = systemClose(fd)
            unlink(path)
            throw error
        }
        do {
            try close(fd: fd, path: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
    public static func writeAll(fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SafeIOError(.write, path: path, errno: errno)
                }
                offset += n
            }
        }
    }

    /// fsync(2); a failure is always an error (the data may not be on disk, and after a failed
    /// fsync Linux may drop the dirty pages, so retrying would lie).
    public static func sync(fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw SafeIOError(.fsync, path: path, errno: errno) }
    }

    /// close(2), checked: on some filesystems (NFS) a deferred write error appears only here.
    public static func close(fd: Int32, path: String) throws {
        guard systemClose(fd) == 0 else { throw SafeIOError(.close, path: path, errno: errno) }
    }

    /// rename(2): atomic replacement of `to` within one filesystem. Not durable until the
    /// directory is synced.
    public static func rename(_ from: String, _ to: String) throws {
        guard systemRename(from, to) == 0 else { throw SafeIOError(.rename, path: "\(from) -> \(to)", errno: errno) }
    }

    /// The directory part of `path` ("." for a bare name, "/" for a file in the root).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}

// The C calls whose names SafeIO's own functions shadow inside the enum.
@inline(__always) func systemClose(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
