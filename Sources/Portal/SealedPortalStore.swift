// SealedPortalStore: the portal store's logic (sealed records, tombstones, recipient key pairs) over a
// PortalStoreBackend: files (FilePortalStore, var/portal/ by default) or PostgreSQL (PostgresPortalStore).

import Foundation
import MailCore

/// The store as files: `messages/<id>.body` (ciphertext), `messages/<id>.keys` (sealed record:
/// metadata, wrapped keys), `messages/<id>.gone` (tombstone), `recipients/<hmac>.key` (sealed key
/// pair), `store-check` (proves the pepper is this store's), `lock` (every change holds its flock).
public typealias FilePortalStore = SealedPortalStore

/// Blobs of the same names in the PostgreSQL tables of docs/operations.md; one transaction per change.
public typealias PostgresPortalStore = SealedPortalStore

/// See docs/portal.md.
public struct SealedPortalStore: PortalStore {
    public static let defaultDirectory = "var/portal"
    /// NIST SP 800-63B's floor for a memorised secret; the web layer may ask for more.
    public static let minimumPasswordLength = 8
    static let bodyMagic = Array("sealgate-portal-body v1\n".utf8)

    let backend: any PortalStoreBackend
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
        try self.init(backend: FilePortalBackend(layout: PortalStoreLayout(root: directory)), pepper: pepper, clock: clock,
                      randomness: randomness, passwordHash: passwordHash)
    }

    init(backend: any PortalStoreBackend, pepper: PortalPepper, clock: any WallClock, randomness: any PortalRandomness,
         passwordHash: PortalPasswordHash) throws {
        guard passwordHash.isWithinLimits else {
            throw PortalStoreError.invalidRequest("scrypt parameters out of range (N 2^10…2^22, r 1…32, p 1…16, at most 1 GiB)")
        }
        self.backend = backend
        derivation = PortalKeyDerivation(pepper: pepper)
        codec = PortalRecordCodec(recordKey: derivation.recordKey, randomness: randomness)
        self.clock = clock
        self.randomness = randomness
        self.passwordHash = passwordHash
        try backend.prepare()
        try locked {
            try checkPepper()
            try recoverInterruptedWrites()
        }
    }

    // MARK: - shared by the operations

    /// Runs a change holding the store's lock (other processes, the CLI, included).
    func locked<T>(_ body: () throws -> T) throws -> T {
        try backend.locked(body)
    }

    /// Replaces a store blob durably (a file: mode 0600).
    func write(_ key: PortalStoreKey, _ bytes: [UInt8]) throws {
        try backend.write(key, bytes)
    }

    func tombstone(_ id: PortalMessageID) throws -> PortalTombstone? {
        guard let bytes = try backend.read(.message(id, .gone)) else { return nil }
        guard let stone = codec.open(bytes, as: PortalTombstone.self, kind: .tombstone, name: id.bytes) else {
            throw PortalStoreError.damaged(part: .tombstone, id: id)
        }
        return stone
    }

    /// The message's record as stored: `.gone` when it has a tombstone, `.notFound` when it has no
    /// record, `.damaged` when the record fails authentication. Does not look at the expiry.
    func storedRecord(_ id: PortalMessageID) throws -> PortalMessageRecord {
        if let stone = try tombstone(id) { throw PortalStoreError.gone(stone.gone) }
        guard let bytes = try backend.read(.message(id, .keys)) else { throw PortalStoreError.notFound }
        guard let record = codec.open(bytes, as: PortalMessageRecord.self, kind: .message, name: id.bytes),
              record.metadata.id == id else {
            throw PortalStoreError.damaged(part: .keys, id: id)
        }
        return record
    }

    func writeRecord(_ record: PortalMessageRecord) throws {
        let id = record.metadata.id
        try write(.message(id, .keys), try codec.seal(record, kind: .message, name: id.bytes))
    }

    /// The recipient's key-pair record, or nil when they have no password.
    func recipientRecord(_ address: MailAddress) throws -> PortalRecipientRecord? {
        let name = derivation.recipientFileName(address)
        guard let bytes = try backend.read(.recipient(name)) else { return nil }
        guard let record = codec.open(bytes, as: PortalRecipientRecord.self, kind: .recipient, name: Array(name.utf8)),
              PortalRecipientName.sameRecipient(record.address, address) else {
            throw PortalStoreError.damaged(part: .recipient, id: nil)
        }
        return record
    }

    func writeRecipientRecord(_ record: PortalRecipientRecord) throws {
        let name = derivation.recipientFileName(record.address)
        try write(.recipient(name), try codec.seal(record, kind: .recipient, name: Array(name.utf8)))
    }

    /// The ids of the messages that have a record (not temp files, bodies alone or tombstones).
    func recordIDs() throws -> [PortalMessageID] {
        try backend.messageFiles().compactMap { id, kind in kind == .keys ? id : nil }
    }

    // MARK: - opening the store

    private func checkPepper() throws {
        let expected = PortalStoreCheck(store: "sealgate-portal")
        if let bytes = try backend.read(.storeCheck) {
            guard codec.open(bytes, as: PortalStoreCheck.self, kind: .storeCheck, name: []) == expected else {
                throw PortalStoreError.pepperMismatch(directory: backend.location)
            }
            return
        }
        // A store with files but no check record lost it: refuse rather than adopt whatever pepper came.
        guard try backend.messageFiles().isEmpty, try !backend.hasRecipients() else {
            throw PortalStoreError.damaged(part: .storeCheck, id: nil)
        }
        try write(.storeCheck, try codec.seal(expected, kind: .storeCheck, name: []))
    }

    private func recoverInterruptedWrites() throws {
        var removed = try backend.removeLeftovers()
        var kinds: [PortalMessageID: Set<PortalStoreLayout.MessageFile>] = [:]
        for (id, kind) in try backend.messageFiles() { kinds[id, default: []].insert(kind) }
        for (id, files) in kinds {
            // A tombstone means a destruction began: finish it. A body alone means a deposit never finished.
            if files.contains(.gone) || !files.contains(.keys) {
                for file in files.subtracting([.gone]) {
                    try backend.remove(.message(id, file))
                    removed = true
                }
            }
        }
        if removed { try backend.syncRemovals() }
    }
}
