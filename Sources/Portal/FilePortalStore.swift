// FilePortalStore: the portal store as files under one directory (var/portal/ by default), written with
// the spool's durability rules through SafeIO (temp file, fsync, rename, fsync the directory; 0600/0700).

import Foundation
import MailCore
import SafeIO

/// Layout: `messages/<id>.body` (ciphertext), `messages/<id>.keys` (sealed record: metadata, wrapped
/// keys), `messages/<id>.gone` (tombstone), `recipients/<hmac>.key` (sealed key pair), `store-check`
/// (proves the pepper is this store's), `lock` (every change holds its flock). See docs/portal.md.
public struct FilePortalStore: PortalStore {
    public static let defaultDirectory = "var/portal"
    /// NIST SP 800-63B's floor for a memorised secret; the web layer may ask for more.
    public static let minimumPasswordLength = 8
    static let bodyMagic = Array("sealgate-portal-body v1\n".utf8)

    let layout: PortalStoreLayout
    let derivation: PortalKeyDerivation
    let codec: PortalRecordCodec
    let clock: any WallClock
    let randomness: any PortalRandomness
    /// The scrypt cost for new passwords; existing records keep the cost they were made with.
    let passwordHash: PortalPasswordHash

    /// Opens (or makes) the store in `directory`. Makes the directories 0700, checks that `pepper` is
    /// the store's (`.pepperMismatch` if not), and finishes what a crash interrupted: temp files, a
    /// body whose record was never written, the files of a message whose tombstone was written.
    public init(directory: String, pepper: PortalPepper, clock: any WallClock, randomness: any PortalRandomness,
                passwordHash: PortalPasswordHash) throws {
        guard passwordHash.isWithinLimits else {
            throw PortalStoreError.invalidRequest("scrypt parameters out of range (N 2^10…2^22, r 1…32, p 1…16, at most 1 GiB)")
        }
        layout = PortalStoreLayout(root: directory)
        derivation = PortalKeyDerivation(pepper: pepper)
        codec = PortalRecordCodec(recordKey: derivation.recordKey, randomness: randomness)
        self.clock = clock
        self.randomness = randomness
        self.passwordHash = passwordHash
        for dir in [layout.root, layout.messages, layout.recipients] {
            try SafeIO.makeDirectory(dir, mode: 0o700, parents: true, tighten: true)
        }
        try locked {
            try checkPepper()
            try recoverInterruptedWrites()
        }
    }

    // MARK: - shared by the operations

    /// Runs a change holding the store's lock (other processes, the CLI, included).
    func locked<T>(_ body: () throws -> T) throws -> T {
        try SafeIO.withExclusiveLock(layout.lockFile, body)
    }

    /// Replaces a store file durably, mode 0600.
    func write(_ path: String, _ bytes: [UInt8]) throws {
        try SafeIO.writeFile(path, bytes, mode: 0o600)
    }

    func tombstone(_ id: PortalMessageID) throws -> PortalTombstone? {
        guard let bytes = try SafeIO.read(layout.path(id, .gone)) else { return nil }
        guard let stone = codec.open(bytes, as: PortalTombstone.self, kind: .tombstone, name: id.bytes) else {
            throw PortalStoreError.damaged(part: .tombstone, id: id)
        }
        return stone
    }

    /// The message's record as stored: `.gone` when it has a tombstone, `.notFound` when it has no
    /// record, `.damaged` when the record fails authentication. Does not look at the expiry.
    func storedRecord(_ id: PortalMessageID) throws -> PortalMessageRecord {
        if let stone = try tombstone(id) { throw PortalStoreError.gone(stone.gone) }
        guard let bytes = try SafeIO.read(layout.path(id, .keys)) else { throw PortalStoreError.notFound }
        guard let record = codec.open(bytes, as: PortalMessageRecord.self, kind: .message, name: id.bytes),
              record.metadata.id == id else {
            throw PortalStoreError.damaged(part: .keys, id: id)
        }
        return record
    }

    func writeRecord(_ record: PortalMessageRecord) throws {
        let id = record.metadata.id
        try write(layout.path(id, .keys), try codec.seal(record, kind: .message, name: id.bytes))
    }

    /// The recipient's key-pair record, or nil when they have no password.
    func recipientRecord(_ address: MailAddress) throws -> PortalRecipientRecord? {
        let name = derivation.recipientFileName(address)
        guard let bytes = try SafeIO.read(layout.recipientPath(name)) else { return nil }
        guard let record = codec.open(bytes, as: PortalRecipientRecord.self, kind: .recipient, name: Array(name.utf8)),
              PortalRecipientName.sameRecipient(record.address, address) else {
            throw PortalStoreError.damaged(part: .recipient, id: nil)
        }
        return record
    }

    func writeRecipientRecord(_ record: PortalRecipientRecord) throws {
        let name = derivation.recipientFileName(record.address)
        try write(layout.recipientPath(name), try codec.seal(record, kind: .recipient, name: Array(name.utf8)))
    }

    /// The ids of the messages that have a record (not temp files, bodies alone or tombstones).
    func recordIDs() throws -> [PortalMessageID] {
        try SafeIO.list(layout.messages).compactMap { name in
            guard let (id, kind) = PortalStoreLayout.messageFile(named: name), kind == .keys else { return nil }
            return id
        }
    }

    // MARK: - opening the store

    private func checkPepper() throws {
        let expected = PortalStoreCheck(store: "sealgate-portal")
        if let bytes = try SafeIO.read(layout.storeCheck) {
            guard codec.open(bytes, as: PortalStoreCheck.self, kind: .storeCheck, name: []) == expected else {
                throw PortalStoreError.pepperMismatch(directory: layout.root)
            }
            return
        }
        // A store with files but no check record lost it: refuse rather than adopt whatever pepper came.
        guard try SafeIO.list(layout.messages).isEmpty, try SafeIO.list(layout.recipients).isEmpty else {
            throw PortalStoreError.damaged(part: .storeCheck, id: nil)
        }
        try write(layout.storeCheck, try codec.seal(expected, kind: .storeCheck, name: []))
    }

    private func recoverInterruptedWrites() throws {
        var removed = false
        for dir in [layout.messages, layout.recipients] {
            for name in try SafeIO.list(dir) where PortalStoreLayout.isTempFile(name) {
                try SafeIO.remove("\(dir)/\(name)")
                removed = true
            }
        }
        var kinds: [PortalMessageID: Set<PortalStoreLayout.MessageFile>] = [:]
        for name in try SafeIO.list(layout.messages) {
            if let (id, kind) = PortalStoreLayout.messageFile(named: name) { kinds[id, default: []].insert(kind) }
        }
        for (id, files) in kinds {
            // A tombstone means a destruction began: finish it. A body alone means a deposit never finished.
            if files.contains(.gone) || !files.contains(.keys) {
                for file in files.subtracting([.gone]) {
                    try SafeIO.remove(layout.path(id, file))
                    removed = true
                }
            }
        }
        if removed {
            try SafeIO.syncDirectory(layout.messages)
            try SafeIO.syncDirectory(layout.recipients)
        }
    }
}
