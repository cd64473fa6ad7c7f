// Spool: the durable, encrypted queue. Per message: an immutable sealed message file, a sealed
// envelope whose rename is the commit point, and a sealed per-recipient state file (docs/queue-format.md).

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

public final class Spool: @unchecked Sendable {
    public let directory: String
    public let keyring: SpoolKeyring
    let dirs: SpoolDirectories
    let recoveryLock = ReadWriteLock()
    let entryLocks = StripedLocks()

    /// Opens (creating with mode 0700 where missing) the spool at `directory`.
    public init(directory: String, keyring: SpoolKeyring) throws {
        self.directory = directory
        self.keyring = keyring
        self.dirs = try SpoolDirectories(root: directory)
    }

    // MARK: - commit

    /// Stores the message and its envelope durably; on return both are on stable storage and every
    /// recipient is pending (or as `initialStates` says). Order: write+fsync both temp files, rename
    /// the message, fsync msg/, [rename the states, fsync state/,] rename the envelope (the commit
    /// point), fsync env/. A state file without its envelope is discarded by recovery.
    public func commit(envelope: Envelope, message: [UInt8], initialStates: [RecipientState]? = nil) throws {
        let id = envelope.queueID
        if let initialStates, initialStates.count != envelope.recipients.count {
            throw SpoolError.invalidArgument("\(initialStates.count) states for \(envelope.recipients.count) recipients of \(id)")
        }
        let sealedStates = try initialStates.map { try SealedFile.seal(try SpoolCodec.encode($0), kind: .states, id: id, keyring: keyring) }
        let sealedMessage = try SealedFile.seal(message, kind: .message, id: id, keyring: keyring)
        let sealedEnvelope = try SealedFile.seal(try SpoolCodec.encode(envelope), kind: .envelope, id: id, keyring: keyring)
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
        try DurableFile.list(dirs.path(.envelope)).compactMap(QueueID.init).sorted()
    }

    public func envelope(_ id: QueueID) throws -> Envelope {
        let bytes = try open(.envelope, id)
        let env = try SpoolCodec.decode(Envelope.self, from: bytes, what: "env/\(id)")
        guard env.queueID == id else { throw SpoolError.corrupt("env/\(id): holds the envelope of \(env.queueID)") }
        return env
    }

    public func message(_ id: QueueID) throws -> [UInt8] {
        try open(.message, id)
    }

    /// The recipients' states, index-aligned with `envelope(id).recipients`.
    public func states(_ id: QueueID) throws -> [RecipientState] {
        let count = try envelope(id).recipients.count
        return try storedStates(id, expected: count)
    }

    func storedStates(_ id: QueueID, expected count: Int) throws -> [RecipientState] {
        guard let file = try DurableFile.read(dirs.path(.states, id)) else {
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
        try entryLocks.withLock(for: id) {
            let count = try envelope(id).recipients.count
            try writeStates(id, states, expected: count)
        }
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
            let count = try envelope(id).recipients.count
            var states = try storedStates(id, expected: count)
            if try change(&states) { try writeStates(id, states, expected: count) }
            return states
        }
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

    /// Deletes the entry once every recipient is final. The envelope goes first (un-commit, made
    /// durable); a crash before the rest is removed leaves orphans that recovery deletes.
    public func remove(_ id: QueueID) throws {
        try entryLocks.withLock(for: id) {
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
