// Spool: the durable, encrypted queue. New messages go into the journal (group-committed appends);
// a message whose states change moves to per-message files: message, envelope, states (docs/queue-format.md).

import Foundation
import MailCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What recovery found: every committed message, and how many leftover files it removed.
public struct SpoolRecovery: Sendable, Equatable {
    public var committed: [QueueID]
    public var discarded: Int

    public init(committed: [QueueID], discarded: Int) {
        self.committed = committed; self.discarded = discarded
    }
}

/// Where `Spool.commit` puts a message whose recipients all start pending.
public enum SpoolCommitTarget: Sendable {
    /// The journal: one group-committed fdatasync shared by concurrent commits (the default).
    case journal
    /// Per-message files, as for messages that start held (four fsyncs per message).
    case files
}

public final class Spool: @unchecked Sendable {
    public let directory: String
    public let keyring: SpoolKeyring
    let dirs: SpoolDirectories
    let journal: SpoolJournal
    let commitTarget: SpoolCommitTarget
    let cache: SpoolCache
    let ownerLock: SpoolOwnerLock
    let recoveryLock = ReadWriteLock()
    let entryLocks = StripedLocks()

    /// Opens (creating with mode 0700 where missing) the spool at `directory`. `cacheBytes` bounds
    /// the in-memory copies of recently committed messages that delivery reads instead of the disk.
    public init(directory: String, keyring: SpoolKeyring, commitTarget: SpoolCommitTarget = .journal,
                cacheBytes: Int = 32 << 20) throws {
        self.directory = directory
        self.keyring = keyring
        self.dirs = try SpoolDirectories(root: directory)
        self.journal = try SpoolJournal(directory: "\(directory)/journal")
        self.commitTarget = commitTarget
        self.cache = SpoolCache(budget: cacheBytes)
        self.ownerLock = SpoolOwnerLock(directory: directory)
    }

    // MARK: - commit

    /// Stores the message and its envelope durably; on return both are on stable storage and every
    /// recipient is pending (or as `initialStates` says). Messages that start pending are appended
    /// to the journal; the others are written as files (`commitFiles`).
    public func commit(envelope: Envelope, message: [UInt8], initialStates: [RecipientState]? = nil) throws {
        let id = envelope.queueID
        if let initialStates, initialStates.count != envelope.recipients.count {
            throw SpoolError.invalidArgument("\(initialStates.count) states for \(envelope.recipients.count) recipients of \(id)")
        }
        let envelopeJSON = try SpoolCodec.encode(envelope)
        if initialStates == nil && commitTarget == .journal {
            let payload = JournalFormat.entryPayload(
                sealedEnvelope: try SealedFile.seal(envelopeJSON, kind: .envelope, id: id, keyring: keyring),
                sealedMessage: try SealedFile.seal(message, kind: .message, id: id, keyring: keyring))
            try recoveryLock.shared {
                guard !DurableFile.exists(dirs.path(.envelope, id)) else {
                    throw SpoolError.invalidArgument("queue ID \(id) is already committed")
                }
                try journal.append(id, payload: payload)
            }
        } else {
            try commitFiles(envelope: envelope, message: message, initialStates: initialStates, envelopeJSON: envelopeJSON)
        }
        // Only mail that is about to be delivered: held mail waits for an admin, not in memory.
        if initialStates == nil { cache.insert(envelope, message: message, envelopeBytes: envelopeJSON.count) }
    }

    /// The per-message files: write+fsync both temp files, rename the message, fsync msg/, [rename
    /// the states, fsync state/,] rename the envelope (the commit point), fsync env/. A state file
    /// without its envelope is discarded by recovery.
    func commitFiles(envelope: Envelope, message: [UInt8], initialStates: [RecipientState]?,
                     envelopeJSON: [UInt8]? = nil) throws {
        let id = envelope.queueID
        let sealedStates = try initialStates.map { try SealedFile.seal(try SpoolCodec.encode($0), kind: .states, id: id, keyring: keyring) }
        let sealedMessage = try SealedFile.seal(message, kind: .message, id: id, keyring: keyring)
        let sealedEnvelope = try SealedFile.seal(try envelopeJSON ?? SpoolCodec.encode(envelope), kind: .envelope, id: id, keyring: keyring)
        try recoveryLock.shared {
            guard !DurableFile.exists(dirs.path(.envelope, id)) else {
                throw SpoolError.invalidArgument("queue ID \(id) is already committed")
            }
            let tmpMessage = dirs.tempPath(id, .message)
            let tmpEnvelope = dirs.tempPath(id, .envelope)
            defer { try? DurableFile.remove(tmpMessage); try? DurableFile.remove(tmpEnvelope) }
            try DurableFile.createSynced(tmpMessage, sealedMessage)
            try DurableFile.createSynced(tmpEnvelope, sealedEnvelope)
            do {
                try DurableFile.rename(tmpMessage, dirs.path(.message, id))
                try dirs.sync(.message)
                if let sealedStates {
                    let tmpStates = dirs.tempPath(id, .states)
                    defer { try? DurableFile.remove(tmpStates) }
                    try DurableFile.createSynced(tmpStates, sealedStates)
                    try DurableFile.rename(tmpStates, dirs.path(.states, id))
                    try dirs.sync(.states)
                }
                try DurableFile.rename(tmpEnvelope, dirs.path(.envelope, id))
                try dirs.sync(.envelope)
            } catch {
                try? DurableFile.remove(dirs.path(.envelope, id))
                try? DurableFile.remove(dirs.path(.states, id))
                try? DurableFile.remove(dirs.path(.message, id))
                throw error
            }
        }
    }

    // MARK: - reads

    /// Committed queue IDs, sorted (oldest first: IDs start with the arrival time).
    public func queueIDs() throws -> [QueueID] {
        try recoveryLock.shared { try committedIDs() }
    }

    func committedIDs() throws -> [QueueID] {
        let files = try DurableFile.list(dirs.path(.envelope)).compactMap(QueueID.init)
        return Array(Set(files).union(try journal.ids())).sorted()
    }

    public func envelope(_ id: QueueID) throws -> Envelope {
        if let cached = cache.entry(id) { return cached.envelope }
        let bytes: [UInt8]
        let what: String
        if let location = try journal.location(id) {
            bytes = try SealedFile.open(try journalSealedEnvelope(location), kind: .envelope, id: id, keyring: keyring)
            what = "journal entry \(id)"
        } else {
            bytes = try open(.envelope, id)
            what = "env/\(id)"
        }
        let env = try SpoolCodec.decode(Envelope.self, from: bytes, what: what)
        guard env.queueID == id else { throw SpoolError.corrupt("\(what): holds the envelope of \(env.queueID)") }
        return env
    }

    public func message(_ id: QueueID) throws -> [UInt8] {
        if let cached = cache.entry(id) { return cached.message }
        if let location = try journal.location(id) {
            let (_, sealedMessage) = try JournalFormat.splitEntry(try journal.payload(location), id: id)
            return try SealedFile.open(Array(sealedMessage), kind: .message, id: id, keyring: keyring)
        }
        return try open(.message, id)
    }

    /// The envelope and states of a just-committed message when they are at hand without any
    /// I/O (in the cache, still in the journal, so every recipient pending); nil otherwise.
    public func recentEntry(_ id: QueueID) -> (envelope: Envelope, states: [RecipientState])? {
        guard let cached = cache.entry(id), (try? journal.contains(id)) == true else { return nil }
        return (cached.envelope, Array(repeating: RecipientState(), count: cached.envelope.recipients.count))
    }

    /// The message when it is still in memory from its commit.
    public func cachedMessage(_ id: QueueID) -> [UInt8]? { cache.entry(id)?.message }

    /// The recipients' states, index-aligned with `envelope(id).recipients`.
    public func states(_ id: QueueID) throws -> [RecipientState] {
        let count = try envelope(id).recipients.count
        return try storedStates(id, expected: count)
    }

    /// Only the sealed envelope of a journal entry (two small reads, not the whole message).
    private func journalSealedEnvelope(_ location: SpoolJournal.Location) throws -> [UInt8] {
        let lengthBytes = try location.segment.read(offset: location.payloadOffset, length: 4)
        let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard length <= location.payloadLength - 4 else {
            throw SpoolError.corrupt("journal entry: envelope length \(length) past the end")
        }
        return try location.segment.read(offset: location.payloadOffset + 4, length: length)
    }

    func storedStates(_ id: QueueID, expected count: Int) throws -> [RecipientState] {
        // Still in the journal: nothing has changed since the commit, every recipient is pending.
        if try journal.contains(id) { return Array(repeating: RecipientState(), count: count) }
        guard let file = try DurableFile.read(dirs.path(.states, id)) else {
            // Removed meanwhile (the envelope may still have come from the cache): not pending.
            guard DurableFile.exists(dirs.path(.envelope, id)) else { throw SpoolError.notFound(id) }
            // No state file yet: the entry is as committed, every recipient pending.
            return Array(repeating: RecipientState(), count: count)
        }
        let plain = try SealedFile.open(file, kind: .states, id: id, keyring: keyring)
        let states = try SpoolCodec.decode([RecipientState].self, from: plain, what: "state/\(id)")
        guard states.count == count else {
            throw SpoolError.corrupt("state/\(id): \(states.count) states for \(count) recipients")
        }
        return states
    }

    public func summary(_ id: QueueID) throws -> QueueEntrySummary {
        let env = try envelope(id)
        return QueueEntrySummary(envelope: env, states: try storedStates(id, expected: env.recipients.count))
    }

    // MARK: - updates

    /// Replaces the recipients' states durably and atomically (temp file, fsync, rename, fsync state/).
    public func updateStates(_ id: QueueID, _ states: [RecipientState]) throws {
        try modifyStates(id) { $0 = states }
    }

    /// Reads, changes and writes back the states under the entry's lock, so concurrent changes to
    /// one message (delivery, `queue hold`) do not lose each other's updates. Returns the new states.
    @discardableResult
    public func modifyStates(_ id: QueueID, _ change: (inout [RecipientState]) throws -> Void) throws -> [RecipientState] {
        try modifyStatesWritingIf(id) { states in try change(&states); return true }
    }

    /// The same, where `change` says whether the new states need writing at all.
    @discardableResult
    func modifyStatesWritingIf(_ id: QueueID, _ change: (inout [RecipientState]) throws -> Bool) throws -> [RecipientState] {
        try entryLocks.withLock(for: id) {
            let env = try envelope(id)
            let count = env.recipients.count
            let inJournal = try journal.contains(id)
            var states = inJournal ? Array(repeating: RecipientState(), count: count) : try storedStates(id, expected: count)
            guard try change(&states) else { return states }
            if inJournal {
                try moveToFiles(env, states: states)
            } else {
                try writeStates(id, states, expected: count)
            }
            return states
        }
    }

    /// A journal entry whose states change becomes per-message files (with the new states), then
    /// is marked done in the journal. A crash in between leaves both; recovery keeps the files.
    private func moveToFiles(_ envelope: Envelope, states: [RecipientState]) throws {
        let id = envelope.queueID
        guard states.count == envelope.recipients.count else {
            throw SpoolError.invalidArgument("\(states.count) states for \(envelope.recipients.count) recipients of \(id)")
        }
        try commitFiles(envelope: envelope, message: try message(id), initialStates: states)
        try journal.markDone(id, durable: false)
        // Deferred or held from now on: it may wait for days, so it leaves memory.
        cache.remove(id)
    }

    private func writeStates(_ id: QueueID, _ states: [RecipientState], expected count: Int) throws {
        guard states.count == count else {
            throw SpoolError.invalidArgument("\(states.count) states for \(count) recipients of \(id)")
        }
        let sealed = try SealedFile.seal(try SpoolCodec.encode(states), kind: .states, id: id, keyring: keyring)
        try recoveryLock.shared {
            let tmp = dirs.tempPath(id, .states)
            defer { try? DurableFile.remove(tmp) }
            try DurableFile.createSynced(tmp, sealed)
            try DurableFile.rename(tmp, dirs.path(.states, id))
            try dirs.sync(.states)
        }
    }

    /// Deletes the entry (every recipient final, or an admin's delete). A journal entry is marked
    /// done; with `durable` (the default) that is synced before returning, without it a crash
    /// soon after can bring the entry back for one more delivery (at-least-once). Files: the
    /// envelope goes first (un-commit, made durable); a crash before the rest is removed leaves
    /// orphans that recovery deletes.
    public func remove(_ id: QueueID, durable: Bool = true) throws {
        try entryLocks.withLock(for: id) {
            // Out of the cache first, so no delivery that starts now finds it there.
            cache.remove(id)
            if try recoveryLock.shared({ try journal.markDone(id, durable: durable) }) { return }
            try recoveryLock.shared {
                let committed = DurableFile.exists(dirs.path(.envelope, id))
                try DurableFile.remove(dirs.path(.envelope, id))
                if committed { try dirs.sync(.envelope) }
                try DurableFile.remove(dirs.path(.states, id))
                try DurableFile.remove(dirs.path(.message, id))
                guard committed else { throw SpoolError.notFound(id) }
            }
        }
    }

    private func open(_ kind: SpoolFileKind, _ id: QueueID) throws -> [UInt8] {
        guard let file = try DurableFile.read(dirs.path(kind, id)) else { throw SpoolError.notFound(id) }
        return try SealedFile.open(file, kind: kind, id: id, keyring: keyring)
    }
}
