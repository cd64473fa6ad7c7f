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
    private let directoryFD: Int32
    private let maxSegmentSize: Int
    /// An active segment with no live entry is replaced once it is this large.
    private let idleRotationSize: Int
    private let lock = NSLock()
    private var segments: [UInt64: JournalSegment] = [:]
    private var entries: [QueueID: Location] = [:]
    private var active: JournalSegment?
    private var nextSequence: UInt64 = 1
    /// Tickets: one per entry appended; `dirty` holds the segments written since their last sync.
    private var written: UInt64 = 0
    private var dirty: [JournalSegment] = []
    private var loaded = false
    let groupSync = GroupSync()

    init(directory: String, maxSegmentSize: Int = 32 << 20, idleRotationSize: Int = 1 << 20) throws {
        self.directory = directory
        self.maxSegmentSize = maxSegmentSize
        self.idleRotationSize = idleRotationSize
        try DurableFile.makeDirectory(directory)
        directoryFD = try DurableFile.openDirectory(directory)
    }

    deinit { close(directoryFD) }

    // MARK: - loading

    /// Reads every segment and rebuilds the index. With `repair` (the daemon's start, under the
    /// spool's exclusive lock) torn tails are cut off and segments with nothing live are deleted.
    /// Entries for which `committedAsFiles` holds were moved out before a crash: the files win.
    /// Returns how many segments or tails were discarded.
    @discardableResult
    func load(repair: Bool, committedAsFiles: (QueueID) -> Bool) throws -> Int {
        try lock.withLock { try loadLocked(repair: repair, committedAsFiles: committedAsFiles) }
    }

    private func loadLocked(repair: Bool, committedAsFiles: (QueueID) -> Bool) throws -> Int {
        segments = [:]; entries = [:]; active = nil; dirty = []
        var discarded = 0
        let sequences = try DurableFile.list(directory).compactMap(JournalSegment.sequence(ofName:)).sorted()
        for sequence in sequences {
            nextSequence = max(nextSequence, sequence + 1)
            let (segment, bytes) = try JournalSegment.open(directory: directory, sequence: sequence, writable: repair)
            guard JournalFormat.hasSegmentHeader(bytes) else {
                guard Self.isUnfinishedCreation(bytes) else {
                    throw SpoolError.corrupt("journal/\(JournalSegment.name(sequence)): not a segment this version reads")
                }
                // Created but never synced: no entry in it was ever acknowledged.
                if repair { try DurableFile.remove(segment.path); discarded += 1 }
                continue
            }
            let (records, validEnd) = JournalFormat.parse(bytes)
            var local: [QueueID: Location] = [:]
            for record in records {
                switch record.kind {
                case .entry:
                    local[record.id] = Location(segment: segment, payloadOffset: record.payloadOffset,
                                                payloadLength: record.payloadLength)
                case .done:
                    local.removeValue(forKey: record.id)
                }
            }
            for id in local.keys where committedAsFiles(id) { local.removeValue(forKey: id) }
            if validEnd < bytes.count {
                // A torn tail: written after the last sync, so nothing in it was acknowledged.
                if repair { try segment.truncate(to: validEnd); discarded += 1 } else { segment.size = validEnd }
            }
            segment.live = local.count
            if local.isEmpty {
                if repair { try DurableFile.remove(segment.path); discarded += 1 }
                continue
            }
            segments[sequence] = segment
            entries.merge(local) { first, _ in first }
        }
        if repair && discarded > 0 { try DurableFile.syncDirectory(fd: directoryFD, path: directory) }
        loaded = true
        return discarded
    }

    /// A segment shorter than its header, or whose header is still zeros: its creation did not finish.
    static func isUnfinishedCreation(_ bytes: [UInt8]) -> Bool {
        bytes.count < JournalFormat.segmentHeaderSize || bytes.prefix(JournalFormat.segmentHeaderSize).allSatisfy { $0 == 0 }
    }

    private func loadIfNeeded() throws {
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
            written += 1
            return written
        }
        do {
            try groupSync.waitDurable(ticket, prepare: takeSyncWork)
        } catch {
            // Not durable, so the client gets a 4xx and sends again: this copy must never be delivered.
            lock.withLock {
                if let location = entries.removeValue(forKey: id) {
                    location.segment.live -= 1
                    location.segment.poisoned = true
                }
            }
            throw error
        }
    }

    /// For the caller that runs the next group sync: every ticket written so far, and the segments
    /// that hold them.
    private func takeSyncWork() -> (target: UInt64, sync: () throws -> Void) {
        lock.withLock {
            let segments = dirty
            dirty = []
            return (written, { for segment in segments { try segment.sync() } })
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
            guard let location = entries.removeValue(forKey: id) else { return nil }
            let segment = location.segment
            segment.live -= 1
            if segment.live == 0 && segment !== active {
                // Nothing live is left: the whole segment goes, no done record needed.
                retire(segment)
                return (segment, true)
            }
            let record = JournalFormat.record(.done, id: id, payload: [])
            try segment.write(record, at: segment.size)
            segment.size += record.count
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

    private func retire(_ segment: JournalSegment) {
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

    func ids() throws -> [QueueID] {
        try lock.withLock {
            try loadIfNeeded()
            return Array(entries.keys)
        }
    }

    /// An entry's payload: its sealed envelope and sealed message.
    func payload(_ location: Location) throws -> [UInt8] {
        try location.segment.read(offset: location.payloadOffset, length: location.payloadLength)
    }

    /// Segment files present (for tests and `queue` diagnostics).
    var segmentCount: Int { lock.withLock { segments.count } }
}
