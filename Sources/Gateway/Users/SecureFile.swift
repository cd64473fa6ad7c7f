// SecureFile: the users file's view of SafeIO: read it only when no group/other bits are set,
// replace it durably with mode 0600, lock it across processes; SafeIOError becomes UserStoreError.
import Foundation
import SafeIO

enum SecureFile {
    /// Identifies one version of a file, to notice when another process replaced it.
    typealias Stamp = SafeIO.FileStatus

    /// The file's stamp, or nil when it does not exist. Throws when group/other may access it.
    static func checkedStamp(_ path: String) throws -> Stamp? {
        try users { try SafeIO.privateStatus(path) }
    }

    static func read(_ path: String) throws -> Data {
        guard let bytes = try users({ try SafeIO.read(path) }) else {
            throw UserStoreError.io(path: path, operation: "read", errno: ENOENT)
        }
        return Data(bytes)
    }

    /// Replaces `path` with `data`: the file is 0600 from its first byte and appears whole or not at all.
    static func atomicWrite(_ data: Data, to path: String) throws {
        try users {
            try SafeIO.makeDirectory(SafeIO.directory(of: path), mode: 0o700, parents: true)
            try SafeIO.writeFile(path, [UInt8](data), mode: 0o600)
        }
    }

    /// Runs `body` holding an exclusive flock on `path.lock`, so two processes (`sealgate user add`
    /// run twice, or the CLI and the daemon) never lose each other's read-modify-write.
    static func withExclusiveLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        try users {
            try SafeIO.makeDirectory(SafeIO.directory(of: path), mode: 0o700, parents: true)
            return try SafeIO.withExclusiveLock(path + ".lock", body)
        }
    }

    private static func users<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SafeIOError {
            throw UserStoreError(error)
        }
    }
}
