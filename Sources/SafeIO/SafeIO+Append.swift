// SafeIO appends: add bytes at the end of a log-like file durably (fsync before returning); a
// failed append is cut off again, so the file never keeps half a record.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeIO {
    /// Appends `bytes` to `path` (created when missing, its directory then synced; `mode` is set either way) and
    /// fsyncs it. On failure the file is truncated back to its length before the call.
    public static func append(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw SafeIOError(.open, path: path, errno: errno) }
        var st = stat()
        do {
            guard fstat(fd, &st) == 0 else { throw SafeIOError(.stat, path: path, errno: errno) }
            guard fchmod(fd, mode) == 0 else { throw SafeIOError(.chmod, path: path, errno: errno) }
            try writeAll(fd: fd, bytes, path: path)
            try sync(fd: fd, path: path)
        } catch {
            if st.st_ino != 0 { _ = ftruncate(fd, st.st_size) }
            _ = systemClose(fd)
            throw error
        }
        try close(fd: fd, path: path)
        if st.st_size == 0 { try syncDirectory(directory(of: path)) }
    }
}
