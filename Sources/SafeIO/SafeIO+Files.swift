// SafeIO reads and removals: a whole file (nil when missing), unlink (a missing file is fine,
// optionally syncing the directory), existence, and the status of a file that must stay private.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeIO {
    /// Identifies one version of a file (to notice that another process replaced it) and its mode.
    public struct FileStatus: Equatable, Sendable {
        public var device: UInt64, inode: UInt64, size: Int64, mtimeSeconds: Int, mtimeNanoseconds: Int
        /// The permission bits (mode & 0o7777).
        public var mode: UInt32
        /// True when group or others have any permission on the file.
        public var groupOrOtherMayAccess: Bool { mode & 0o077 != 0 }
    }

    /// Reads the whole file. Returns nil when it does not exist.
    public static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SafeIOError(.open, path: path, errno: errno)
        }
        defer { _ = systemClose(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SafeIOError(.stat, path: path, errno: errno) }
        return try readAll(fd: fd, path: path, sizeHint: Int(st.st_size))
    }

    /// Reads from `fd` to its end; `path` only names the file in errors.
    static func readAll(fd: Int32, path: String, sizeHint: Int) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(max(0, sizeHint))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SafeIOError(.read, path: path, errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Unlinks the file; one that is already gone is not an error. With `syncDirectory`, the
    /// removal is made durable (the directory is fsynced) before this returns.
    public static func remove(_ path: String, syncDirectory sync: Bool = false) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw SafeIOError(.unlink, path: path, errno: errno) }
        if sync { try syncDirectory(directory(of: path)) }
    }

    /// The file's status, or nil when it does not exist.
    public static func status(_ path: String) throws -> FileStatus? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw SafeIOError(.stat, path: path, errno: errno)
        }
        return FileStatus(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                          mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec),
                          mode: UInt32(st.st_mode) & 0o7777)
    }

    /// The status of a file that holds secrets, or nil when it does not exist. Throws
    /// `.insecurePermissions` (EACCES, with the mode) when group or others may access it.
    public static func privateStatus(_ path: String) throws -> FileStatus? {
        guard let status = try status(path) else { return nil }
        guard !status.groupOrOtherMayAccess else {
            throw SafeIOError(.insecurePermissions, path: path, errno: EACCES, mode: status.mode)
        }
        return status
    }
}
