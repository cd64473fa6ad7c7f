// SecureFile: reading a secrets file only when no group/other bits are set, and replacing it
// atomically (temp file, fsync, rename, fsync the directory) with mode 0600.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum SecureFile {
    /// Identifies one version of a file, to notice when another process replaced it.
    struct Stamp: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, mtimeSeconds: Int, mtimeNanoseconds: Int
    }

    /// The file's stamp, or nil when it does not exist. Throws when group/other may access it.
    static func checkedStamp(_ path: String) throws -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw UserStoreError.io(path: path, operation: "stat", errno: errno)
        }
        let mode = UInt32(st.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw UserStoreError.insecurePermissions(path: path, mode: mode) }
        return Stamp(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                     mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
    }

    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserStoreError.io(path: path, operation: "read", errno: errno == 0 ? EIO : errno)
        }
        return data
    }

    /// Replaces `path` with `data`: the file is 0600 from its first byte and appears whole or not at all.
    static func atomicWrite(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory,
                                                withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temp = "\(path).tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UserStoreError.io(path: temp, operation: "create", errno: errno) }
        var ok = false
        defer { if !ok { unlink(temp) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw UserStoreError.io(path: temp, operation: "chmod", errno: errno) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, base + offset, buffer.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw UserStoreError.io(path: temp, operation: "write", errno: errno) }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw UserStoreError.io(path: temp, operation: "fsync", errno: errno) }
        }
        guard rename(temp, path) == 0 else { throw UserStoreError.io(path: path, operation: "rename", errno: errno) }
        ok = true
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

extension SecureFile {
    /// Runs `body` holding an exclusive flock on `path.lock`, so two processes (`sealgate user add`
    /// run twice, or the CLI and the daemon) never lose each other's read-modify-write.
    static func withExclusiveLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory,
                                                withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UserStoreError.io(path: lockPath, operation: "open", errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw UserStoreError.io(path: lockPath, operation: "lock", errno: errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
