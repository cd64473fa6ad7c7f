// RecipientKeyStore: the recipients' certificates and OpenPGP keys, one 0600 file per key named by
// fingerprint in a 0700 directory, and index.json naming them, rewritten only after the key is durable.

import Foundation
import MailCore
import SafeIO

public final class RecipientKeyStore: @unchecked Sendable {
    public let directory: String
    var indexPath: String { directory + "/index.json" }
    var lockPath: String { directory + "/.lock" }

    private let cacheLock = NSLock()
    private var cachedStatus: SafeIO.FileStatus?
    private var cachedEntries: [KeyEntry] = []

    /// `directory` is made (0700) on the first import; until then the store is empty.
    public init(directory: String) {
        self.directory = directory
    }

    /// Inspects `bytes` (a PEM or DER certificate, an armored or binary OpenPGP public key) and files
    /// it under every address it names. Refuses (throws `RecipientKeyError`, the store untouched) what
    /// cannot be used at `now`. A key already on file for an address is kept beside the new one.
    @discardableResult
    public func `import`(_ bytes: [UInt8], now: Date, cipher: SMIMECipher? = nil) throws -> [KeyEntry] {
        let key = try InspectedKey.inspect(bytes, now: now, cipher: cipher)
        guard Self.isFingerprint(key.fingerprint) else {
            throw RecipientKeyError.unusable(kind: key.kind, fingerprint: key.fingerprint, reason: "fingerprint is not hex")
        }
        let added = key.addresses.map {
            KeyEntry(address: $0, kind: key.kind, fingerprint: key.fingerprint, notBefore: key.notBefore,
                     notAfter: key.notAfter, cipher: key.kind == .smime ? cipher : nil)
        }
        guard let first = added.first else {
            throw RecipientKeyError.unusable(kind: key.kind, fingerprint: key.fingerprint, reason: "no address to file it under")
        }
        try io {
            try SafeIO.makeDirectory(directory, mode: 0o700, parents: true, tighten: true)
            try SafeIO.withExclusiveLock(lockPath) {
                var entries = try readIndex()
                // The key file first, durably; only then the index that names it.
                try SafeIO.writeFile(directory + "/" + first.fileName, key.stored, mode: 0o600)
                entries.removeAll { old in added.contains { $0.address == old.address && $0.fingerprint == old.fingerprint } }
                entries.append(contentsOf: added)
                try writeIndex(entries)
            }
        }
        return added
    }

    /// Every entry, by address.
    public func list() throws -> [KeyEntry] {
        try current().sorted { ($0.address, $0.kind.rawValue) < ($1.address, $1.kind.rawValue) }
    }

    /// The entries for one address, whatever their validity.
    public func entries(for address: MailAddress) throws -> [KeyEntry] {
        let key = Self.indexKey(address)
        return try current().filter { $0.address == key }
    }

    /// Removes every entry for an address (text with an "@") or every entry of a fingerprint, and
    /// the key files no entry names any more. Throws `.notFound` when nothing matched.
    @discardableResult
    public func remove(addressOrFingerprint text: String) throws -> [KeyEntry] {
        let match: (KeyEntry) -> Bool
        if text.contains("@") {
            guard let key = Self.indexKey(text) else { throw RecipientKeyError.notFound("\(text) (not an address)") }
            match = { $0.address == key }
        } else {
            let fpr = text.replacingOccurrences(of: ":", with: "").lowercased()
            match = { $0.fingerprint.lowercased() == fpr }
        }
        guard SafeIO.exists(indexPath) else { throw RecipientKeyError.notFound(text) }
        return try io {
            try SafeIO.withExclusiveLock(lockPath) {
                let entries = try readIndex()
                let removed = entries.filter(match)
                guard !removed.isEmpty else { throw RecipientKeyError.notFound(text) }
                let kept = entries.filter { !match($0) }
                // The index first: a crash before the unlink leaves a stray file, which is never read.
                try writeIndex(kept)
                for name in Set(removed.map(\.fileName)) where !kept.contains(where: { $0.fileName == name }) {
                    try SafeIO.remove(directory + "/" + name)
                }
                try SafeIO.syncDirectory(directory)
                return removed
            }
        }
    }

    /// The index, re-read when its file changed (inode, size or mtime) since the last read, so a
    /// daemon sees `sealgate keys import` without a restart.
    func current() throws -> [KeyEntry] {
        let status = try io { try SafeIO.status(indexPath) }
        cacheLock.lock()
        if let status, status == cachedStatus { defer { cacheLock.unlock() }; return cachedEntries }
        cacheLock.unlock()
        let entries = try readIndex()
        cacheLock.lock()
        cachedStatus = status
        cachedEntries = entries
        cacheLock.unlock()
        return entries
    }

    func readIndex() throws -> [KeyEntry] {
        guard let bytes = try io({ try SafeIO.read(indexPath) }) else { return [] }
        return try RecipientKeyIndex.decode(bytes, path: indexPath)
    }

    private func writeIndex(_ entries: [KeyEntry]) throws {
        try SafeIO.writeFile(indexPath, try RecipientKeyIndex.encode(entries), mode: 0o600)
    }

    /// Runs `body`, turning a SafeIOError into `RecipientKeyError.io` (other errors pass through).
    func io<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SafeIOError { throw RecipientKeyError.io(error.description) }
    }

    /// The form addresses are filed under: parsed, then lower-cased.
    static func indexKey(_ address: MailAddress) -> String { address.description.lowercased() }

    static func indexKey(_ text: String) -> String? {
        (try? MailAddressParser.parse(text.trimmingCharacters(in: .whitespaces), allowUTF8: true)).map(indexKey)
    }

    static func isFingerprint(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128 && text.allSatisfy(\.isHexDigit)
    }
}
