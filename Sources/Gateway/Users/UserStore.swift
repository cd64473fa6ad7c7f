// UserStore: the SMTP AUTH users, kept in one 0600 JSON file. Writes replace the file atomically;
// verify re-reads it when it changed on disk, so `sealgate user add` applies without a restart.
import Foundation
import MailCore

public final class UserStore: UserDirectory, @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var cache: (stamp: SecureFile.Stamp, file: UserFile)?

    /// Opens the store at `path`. The file need not exist yet; the first `add` creates it (0600).
    public init(path: String) throws {
        self.path = path
        _ = try SecureFile.checkedStamp(path)
    }

    public func add(name: String, password: String, addresses: [MailAddress]) throws {
        try Self.validate(name: name)
        guard !password.isEmpty else { throw UserStoreError.emptyPassword }
        let hash = try PasswordHash.make(password: password)
        let entry = UserFile.Entry(name: name, password: hash, addresses: addresses.map(\.description))
        try lock.withLock {
            try SecureFile.withExclusiveLock(path) {
                var file = try currentFile()
                if let index = file.users.firstIndex(where: { $0.name == name }) {
                    file.users[index] = entry
                } else {
                    file.users.append(entry)
                }
                try write(file)
            }
        }
    }

    /// Removes `name`; false when there was no such user.
    public func remove(name: String) throws -> Bool {
        try lock.withLock {
            try SecureFile.withExclusiveLock(path) {
                var file = try currentFile()
                let before = file.users.count
                file.users.removeAll { $0.name == name }
                guard file.users.count != before else { return false }
                try write(file)
                return true
            }
        }
    }

    public func list() throws -> [UserRecord] {
        let file = try lock.withLock { try currentFile() }
        return try file.users.map { UserRecord(name: $0.name, addresses: try UserFile.addresses(of: $0, path: path)) }
            .sorted { $0.name < $1.name }
    }

    /// The user's record when the password matches, else nil. Slow on purpose (600,000 PBKDF2
    /// rounds, also for unknown names): run it off the event loop.
    public func verify(name: String, password: String) throws -> UserRecord? {
        let file = try lock.withLock { try currentFile() }
        guard let entry = file.users.first(where: { $0.name == name }) else {
            try PasswordHash.dummyVerify(password: password)
            return nil
        }
        guard try PasswordHash.verify(password: password, encoded: entry.password) else { return nil }
        return UserRecord(name: entry.name, addresses: try UserFile.addresses(of: entry, path: path))
    }

    /// The file as it is on disk now, re-read only when its stamp changed. Caller holds `lock`.
    private func currentFile() throws -> UserFile {
        guard let stamp = try SecureFile.checkedStamp(path) else {
            cache = nil
            return UserFile()
        }
        if let cache, cache.stamp == stamp { return cache.file }
        let file = try UserFile.decode(try SecureFile.read(path), path: path)
        cache = (stamp, file)
        return file
    }

    private func write(_ file: UserFile) throws {
        try SecureFile.atomicWrite(try file.encode(), to: path)
        cache = nil
    }

    static func validate(name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 256
            && name.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.properties.generalCategory != .control }
        guard ok else { throw UserStoreError.invalidName(name) }
    }
}
