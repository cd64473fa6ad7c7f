// SafeIOError: the one error every SafeIO call throws: which operation failed, on which path,
// and the errno, worded for a log line (paths only, never file contents).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct SafeIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step that failed. Its raw value is the word used in messages.
    public enum Operation: String, Sendable, Equatable {
        case create, open, write, read, stat, fsync, close, chmod, rename, mkdir, unlink, list, lock
        case notADirectory = "check directory"
        case insecurePermissions = "check permissions"
    }

    public var operation: Operation
    public var path: String
    public var errno: Int32
    /// For `.insecurePermissions`: the file's permission bits.
    public var mode: UInt32?

    public init(_ operation: Operation, path: String, errno: Int32, mode: UInt32? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.mode = mode
    }

    public var description: String {
        if operation == .insecurePermissions, errno == EPERM, let mode {
            return "\(path): owned by another user (mode \(String(mode, radix: 8))); refusing to use it"
        }
        if operation == .insecurePermissions, let mode {
            return "\(path): group or others may access it (mode \(String(mode, radix: 8))); refusing to use it"
        }
        return "\(operation.rawValue) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
