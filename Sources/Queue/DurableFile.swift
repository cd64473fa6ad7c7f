// DurableFile: the spool's view of SafeIO (the one durable-write routine): the same calls, with
// SafeIOError turned into SpoolError.io so the queue keeps one error type (errno and path kept).

import SafeIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum DurableFile {
    /// Creates `path` exclusively with `mode`, writes all of `bytes`, fsyncs and closes it.
    /// On failure the partial file is unlinked.
    static func createSynced(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        try spool { try SafeIO.createSynced(path, bytes, mode: mode) }
    }

    /// Replaces `path` whole (temp file, fsync, rename, fsync the directory).
    static func replace(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        try spool { try SafeIO.writeFile(path, bytes, mode: mode) }
    }

    static func rename(_ from: String, _ to: String) throws {
        try spool { try SafeIO.rename(from, to) }
    }

    /// Makes the directory's entries (renames, unlinks) durable.
    static func syncDirectory(fd: Int32, path: String) throws {
        try spool { try SafeIO.syncDirectory(fd: fd, path: path) }
    }

    /// Makes the entry of `path` durable: opens, fsyncs and closes its directory.
    static func syncDirectory(containing path: String) throws {
        try spool { try SafeIO.syncDirectory(SafeIO.directory(of: path)) }
    }

    static func openDirectory(_ path: String) throws -> Int32 {
        try spool { try SafeIO.openDirectory(path) }
    }

    /// Creates the directory with `mode` if missing; an existing directory is left as it is.
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        try spool { try SafeIO.makeDirectory(path, mode: mode) }
    }

    /// Reads the whole file. Returns nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        try spool { try SafeIO.read(path) }
    }

    static func exists(_ path: String) -> Bool {
        SafeIO.exists(path)
    }

    /// Unlinks the file; a file that is already gone is not an error.
    static func remove(_ path: String) throws {
        try spool { try SafeIO.remove(path) }
    }

    /// The names in a directory, without "." and "..".
    static func list(_ path: String) throws -> [String] {
        try spool { try SafeIO.list(path) }
    }

    private static func spool<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SafeIOError {
            throw SpoolError(error)
        }
    }
}

extension SpoolError {
    /// `.io("<operation> <path>", errno:)`, the words SafeIOError uses.
    init(_ error: SafeIOError) {
        self = .io("\(error.operation.rawValue) \(error.path)", errno: error.errno)
    }
}
