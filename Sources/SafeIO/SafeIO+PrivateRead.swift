// SafeIO's read of a file that holds secrets: opened once (no symlink followed), its mode and owner
// checked on that open descriptor (fstat), then read from it, so no other file can be swapped in.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeIO {
    /// Reads the whole private file, or nil when it does not exist. The path is opened with
    /// O_NOFOLLOW (a symlink is refused: `.open` with ELOOP) and the descriptor's own status is checked:
    /// `.insecurePermissions` (with the mode) when group or others may access it, or when another
    /// user than this process's effective user owns it (errno EPERM). The bytes come from that descriptor.
    public static func readPrivate(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SafeIOError(.open, path: path, errno: errno)
        }
        defer { _ = systemClose(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SafeIOError(.stat, path: path, errno: errno) }
        let mode = UInt32(st.st_mode) & 0o7777
        guard mode & 0o077 == 0 else { throw SafeIOError(.insecurePermissions, path: path, errno: EACCES, mode: mode) }
        guard st.st_uid == geteuid() else { throw SafeIOError(.insecurePermissions, path: path, errno: EPERM, mode: mode) }
        return try readAll(fd: fd, path: path, sizeHint: Int(st.st_size))
    }
}
