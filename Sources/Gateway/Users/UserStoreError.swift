// The ways the user store can fail, each worded so an admin knows what to do next.
import SafeIO

public enum UserStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case insecurePermissions(path: String, mode: UInt32)
    case malformed(path: String, reason: String)
    case invalidName(String)
    case emptyPassword
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .insecurePermissions(let path, let mode):
            return "\(path): users file is accessible by group or others (mode \(String(mode, radix: 8))); "
                + "refusing to read it. Fix with: chmod 600 \(path)"
        case .malformed(let path, let reason):
            return "\(path): malformed users file: \(reason)"
        case .invalidName(let name):
            return "invalid user name '\(name)': use 1 to 256 characters without spaces or control characters"
        case .emptyPassword:
            return "the password must not be empty"
        case .io(let path, let operation, let code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UserStoreError {
    /// The same failure in the users file's words (a group/other-readable file keeps its own case).
    init(_ error: SafeIOError) {
        if error.operation == .insecurePermissions, let mode = error.mode {
            self = .insecurePermissions(path: error.path, mode: mode)
        } else {
            self = .io(path: error.path, operation: error.operation.rawValue, errno: error.errno)
        }
    }
}
