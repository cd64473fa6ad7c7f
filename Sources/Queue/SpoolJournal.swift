// SpoolJournal: where new messages are committed. Entries are appended to the active segment and
// made durable by a group-committed fdatasync; a segment is deleted when all its entries are done.

import Foundation
import MailCore

final class SpoolJournal: @unchecked Sendable {
    /// Where an entry's payload lies. Holding it keeps the segment's descriptor open.
    struct Location {
        let segment: JournalSegment
        let payloadOffset: Int
        let payloadLength: Int
    }

    let directory: String
    let directoryFD: Int32
    private let maxSegmentSize: Int
    /// An active segment with no live entry is replaced once it is this large.
    private let idleRotationSize: Int
    // Everything below is guarded by `lock` (the loading code is in SpoolJournal+Load.swift).
    let lock = NSLock()
    var segments: [UInt64: JournalSegment] = [:]
    var entries: [QueueID: Location] = [:]
    var active: JournalSegment?
    var nextSequence: UInt64 = 1
    /// Tickets: one per entry appended; `dirty` holds the segments written since their last sync.
    var written: UInt64 = 0
    var dirty: [JournalSegment] = []
    /// Appended but not yet synced: listed by no one (`ids`), so no queue scan starts delivering a
    /// message whose commit may still fail.
    var unsynced: Set<QueueID> = []
    var loaded = false
    let groupSync = GroupSync()

    init(directory: String, maxSegmentSize: Int = 32 << 20, idleRotationSize: Int = 1 << 20) throws {
        self.directory = directory
        self.maxSegmentSize = maxSegmentSize
        self.idleRotationSize = idleRotationSize
        try DurableFile.makeDirectory(directory)
        directoryFD = try DurableFile.openDirectory(directory)
    }

    deinit { close(directoryFD) }

    func loadIfNeeded() throws {
        if !loaded { _ = try loadLocked(repair: false, committedAsFiles: { _ in false }) }
    }

    // MARK: - append

    /// Appends an entry and returns once it is on stable storage (group commit: the fdatasync is
    /// shared with every append made while the previous one ran).
    func append(_ id: QueueID, payload: [UInt8]) throws {
        let record = JournalFormat.record(.entry, id: id, payload: payload)
        let ticket: UInt64 = try lock.withLock {
            try loadIfNeeded()
            guard entries[id] == nil else { throw SpoolError.invalidArgument("queue ID \(id) is already committed") }
            let segment = try activeSegment(adding: record.count)
            let offset = segment.size
            try segment.write(record, at: offset)
            segment.size += record.count
            segment.live += 1
            entries[id] = Location(segment: segment, payloadOffset: offset + JournalFormat.recordHeaderSize,
                                   payloadLength: payload.count)
            if !dirty.contains(where: { $0 === segment }) { dirty.append(segment) }
            unsynced.insert(id)
            written += 1
            return written
        }
        var failure: Error?
        do {
            try groupSync.waitDurable(ticket, prepare: takeSyncWork)
        } catch {
            failure = error
        }
        lock.withLock {
            unsynced.remove(id)
            guard let location = entries[id] else { return }
            let segment = location.segment
            // A sync of this segment failed before one covered this record: it may be lost too.
            if failure == nil, let from = segment.poisonedFrom, location.payloadOffset >= from {
                failure = SpoolError.io("fdatasync \(segment.path) failed before this record was synced", errno: EIO)
            }
            guard failure != nil else { return }
            // Not durable, so the client gets a 4xx and sends again: this copy must never be
            // delivered, not even after a restart that finds its bytes in the page cache.
            entries.removeValue(forKey: id)
            segment.live -= 1
            // Best effort, not synced: the segment is poisoned, and a sync of it would only fail
            // again (and fail the commits of other segments with it).
            let done = JournalFormat.record(.done, id: id, payload: [])
            if (try? segment.write(done, at: segment.size)) != nil { segment.size += done.count }
        }
        if let failure { throw failure }
    }

    /// For the caller that runs the next group sync: every ticket written so far, and the segments
    /// that hold them with how far each was written. A failed sync poisons its segments from the
    /// first byte not known to be durable, before any waiter hears of it.
    private func takeSyncWork() -> (target: UInt64, sync: () throws -> Void) {
        lock.withLock {
            // A poisoned segment is not synced again: its unsynced records fail by `poisonedFrom`.
            let work = dirty.filter { !$0.poisoned }.map { ($0, $0.size) }
            dirty = []
            return (written, { [self] in
                for (segment, size) in work {
                    do {
                        try segment.sync()
                        lock.withLock { segment.syncedUpTo = max(segment.syncedUpTo, size) }
                    } catch {
                        lock.withLock {
                            for (other, _) in work where other.poisonedFrom == nil { other.poisonedFrom = other.syncedUpTo }
                        }
                        throw error
                    }
                }
            })
        }
    }

    /// The segment new entries go into, replaced when full, poisoned, or idle and large.
    private func activeSegment(adding count: Int) throws -> JournalSegment {
        if let current = active, !current.poisoned {
            let fits = current.size + count <= maxSegmentSize || current.size == JournalFormat.segmentHeaderSize
            let idleAndLarge = current.live == 0 && current.size >= idleRotationSize
            if fits && !idleAndLarge { return current }
        }
        if let old = active {
            active = nil
            if old.live == 0 { retire(old) }
        }
        let segment = try JournalSegment.create(directory: directory, directoryFD: directoryFD, sequence: nextSequence)
        nextSequence += 1
        segments[segment.sequence] = segment
        active = segment
        return segment
    }

    // MARK: - done

    /// Marks the entry finished (delivered, deleted, or moved to per-message files). With
    /// `durable`, returns once that is on stable storage; otherwise a crash soon after can bring
    /// the entry back (one more delivery: at-least-once, as Postfix). Returns false when the
    /// journal does not hold the entry.
    @discardableResult
    func markDone(_ id: QueueID, durable: Bool) throws -> Bool {
        let outcome: (segment: JournalSegment, retired: Bool)? = try lock.withLock {
            try loadIfNeeded()
            guard let location = entries[id] else { return nil }
            let segment = location.segment
            // Nothing else live: the whole segment goes, no done record needed. The active segment
            // too once it is large (the rotation the next append would do): waiting for that append
            // would keep a drained spool's space taken, and on a full disk no append comes.
            if segment.live == 1 && (segment !== active || segment.size >= idleRotationSize) {
                entries.removeValue(forKey: id)
                segment.live = 0
                if segment === active { active = nil }
                retire(segment)
                return (segment, true)
            }
            // Written before the index forgets the entry: a failed write leaves it live, not lost.
            let record = JournalFormat.record(.done, id: id, payload: [])
            try segment.write(record, at: segment.size)
            segment.size += record.count
            entries.removeValue(forKey: id)
            segment.live -= 1
            return (segment, false)
        }
        guard let outcome else { return false }
        if durable {
            if outcome.retired {
                try DurableFile.syncDirectory(fd: directoryFD, path: directory)
            } else {
                try outcome.segment.sync()
            }
        }
        return true
    }

    func retire(_ segment: JournalSegment) {
        segments.removeValue(forKey: segment.sequence)
        try? DurableFile.remove(segment.path)
    }

    // MARK: - reads

    func location(_ id: QueueID) throws -> Location? {
        try lock.withLock {
            try loadIfNeeded()
            return entries[id]
        }
    }

    func contains(_ id: QueueID) throws -> Bool { try location(id) != nil }

    /// The live entries whose commit has completed.
    func ids() throws -> [QueueID] {
        try lock.withLock {
            try loadIfNeeded()
            return unsynced.isEmpty ? Array(entries.keys) : entries.keys.filter { !unsynced.contains($0) }
        }
    }

    /// An entry's payload: its sealed envelope and sealed message.
    func payload(_ location: Location) throws -> [UInt8] {
        try location.segment.read(offset: location.payloadOffset, length: location.payloadLength)
    }

    /// Segment files present (for tests).
    var segmentCount: Int { lock.withLock { segments.count } }
}
