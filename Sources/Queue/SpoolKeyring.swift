// SpoolKeyring: the AES-256 keys that encrypt the spool, read from a 0600 file. The newest key
// seals new files; older keys stay so files sealed before a rotation remain readable.

import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct SpoolKeyring: Sendable {
    private let keys: [UInt32: SymmetricKey]
    public let currentKeyID: UInt32

    static let headerLine = "# sealgate spool keys v1: <key id> <base64 AES-256 key>; the last line is current"

    init(keys: [UInt32: SymmetricKey], currentKeyID: UInt32) {
        self.keys = keys; self.currentKeyID = currentKeyID
    }

    /// All key IDs held, ascending.
    public var keyIDs: [UInt32] { keys.keys.sorted() }

    func key(_ id: UInt32) -> SymmetricKey? { keys[id] }

    /// Loads the key file, or creates it (mode 0600, one fresh random key) when it does not exist.
    /// Throws `insecureKeyFile` when the file is accessible to group or other, or is not a regular file.
    public static func loadOrCreate(path: String) throws -> SpoolKeyring {
        if let text = try readKeyFile(path) { return try parse(text, path: path) }
        let ring = SpoolKeyring(keys: [1: SymmetricKey(size: .bits256)], currentKeyID: 1)
        try ring.write(path: path, replacing: false)
        return ring
    }

    /// A keyring with one more key, made current, and the key file rewritten (0600, atomically).
    /// Keys already in the file (e.g. added by another process) are kept too.
    public func rotated(path: String) throws -> SpoolKeyring {
        var all = keys
        if let text = try SpoolKeyring.readKeyFile(path) {
            for (id, key) in try SpoolKeyring.parse(text, path: path).keys where all[id] == nil { all[id] = key }
        }
        let newID = (all.keys.max() ?? 0) &+ 1
        all[newID] = SymmetricKey(size: .bits256)
        let ring = SpoolKeyring(keys: all, currentKeyID: newID)
        try ring.write(path: path, replacing: true)
        return ring
    }

    // MARK: - file format

    static func parse(_ text: String, path: String) throws -> SpoolKeyring {
        var keys: [UInt32: SymmetricKey] = [:]
        var current: UInt32?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2, let id = UInt32(fields[0]), let bytes = Data(base64Encoded: String(fields[1])),
                  bytes.count == 32 else {
                throw SpoolError.corrupt("\(path):\(n + 1): expected '<key id> <base64 32-byte key>'")
            }
            guard keys[id] == nil else { throw SpoolError.corrupt("\(path):\(n + 1): duplicate key id \(id)") }
            keys[id] = SymmetricKey(data: bytes)
            current = id
        }
        guard let current else { throw SpoolError.corrupt("\(path): no keys") }
        return SpoolKeyring(keys: keys, currentKeyID: current)
    }

    func render() -> String {
        var lines = [SpoolKeyring.headerLine]
        // The current key goes last: it is the one new files use.
        for id in keys.keys.sorted() where id != currentKeyID {
            lines.append("\(id) \(base64(id))")
        }
        lines.append("\(currentKeyID) \(base64(currentKeyID))")
        return lines.joined(separator: "\n") + "\n"
    }

    private func base64(_ id: UInt32) -> String {
        keys[id].map { $0.withUnsafeBytes { Data($0).base64EncodedString() } } ?? ""
    }

    /// Returns nil when the file does not exist.
    static func readKeyFile(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw SpoolError.insecureKeyFile("\(path) is a symbolic link") }
            throw SpoolError.io("open \(path)", errno: errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SpoolError.io("fstat \(path)", errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SpoolError.insecureKeyFile("\(path) is not a regular file") }
        guard st.st_mode & 0o077 == 0 else {
            throw SpoolError.insecureKeyFile("\(path) has mode \(String(st.st_mode & 0o777, radix: 8)); it must be 0600")
        }
        guard let bytes = try DurableFile.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the key file with mode 0600 (open(2)'s mode; the umask can only narrow it): through a temp file and rename when replacing,
    /// exclusively (never clobbering a concurrent creator) when creating.
    func write(path: String, replacing: Bool) throws {
        let bytes = Array(render().utf8)
        if replacing {
            try DurableFile.replace(path, bytes, mode: 0o600)
        } else {
            try DurableFile.createSynced(path, bytes, mode: 0o600)
            try DurableFile.syncDirectory(containing: path)
        }
    }
}
