// AtomicFile: the small file I/O the observation store needs: a private directory (0700) and
// whole-file replacement that survives a crash (temp file 0600, write, fsync, rename, fsync dir).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public struct TLSStoreError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

enum AtomicFile {
    /// Creates `path` (and its parents) with mode 0700 if missing, and tightens it to 0700 if present.
    static func ensurePrivateDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw TLSStoreError(operation: "mkdir \(path)", code: EACCES)
            }
        } else if !isDirectory.boolValue {
            throw TLSStoreError(operation: "\(path) is not a directory", code: ENOTDIR)
        }
        guard chmod(path, 0o700) == 0 else { throw TLSStoreError(operation: "chmod \(path)", code: errno) }
    }

    /// Replaces `path` with `bytes`: a 0600 temp file in the same directory, fsync, rename, fsync the directory.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = "\(path).tmp.\(getpid()).\(UInt32.random(in: 0 ... .max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TLSStoreError(operation: "create \(temp)", code: errno) }
        var ok = false
        defer { if !ok { unlink(temp) } }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { raw in
                    write(fd, raw.baseAddress.map { $0 + written }, bytes.count - written)
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw TLSStoreError(operation: "write \(temp)", code: errno) }
                written += n
            }
            guard fsync(fd) == 0 else { throw TLSStoreError(operation: "fsync \(temp)", code: errno) }
        }
        guard rename(temp, path) == 0 else { throw TLSStoreError(operation: "rename \(temp)", code: errno) }
        ok = true
        try syncDirectory(directory)
    }

    static func read(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSStoreError(operation: "read \(path)", code: EIO)
        }
        return [UInt8](data)
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw TLSStoreError(operation: "unlink \(path)", code: errno) }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    private static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw TLSStoreError(operation: "open \(directory)", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw TLSStoreError(operation: "fsync \(directory)", code: errno) }
    }
}
