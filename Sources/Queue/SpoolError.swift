// SpoolError: every way a spool operation can fail. Messages name files and queue IDs only,
// never message content, so they are safe to log.

import MailCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SpoolError: Error, CustomStringConvertible, Equatable {
    /// No committed message with this ID.
    case notFound(QueueID)
    /// A spool or key file that is malformed, truncated, tampered with, or swapped with another file.
    case corrupt(String)
    /// A spool file names a key ID that the keyring does not hold.
    case unknownKey(UInt32)
    /// The key file is readable or writable by group/other, or is not a regular file.
    case insecureKeyFile(String)
    /// A system call failed.
    case io(String, errno: Int32)
    /// Another process owns the spool (its lock file is held): a running daemon, or an admin command.
    case busy(String)
    /// The caller passed something the spool cannot store (e.g. a state array of the wrong length).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let id): return "queue entry \(id) not found"
        case .corrupt(let why): return "spool file corrupt: \(why)"
        case .unknownKey(let k): return "spool file encrypted with unknown key id \(k)"
        case .insecureKeyFile(let why): return "insecure spool key file: \(why)"
        case .io(let what, let e): return "\(what): \(String(cString: strerror(e))) (errno \(e))"
        case .busy(let path): return "the spool is in use by another process (\(path) is locked; is the sealgate daemon running?)"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        }
    }
}
