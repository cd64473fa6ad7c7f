// Loading the spool journal: reads every segment, rebuilds the index of live entries, and (at
// the owner's start) repairs: unfinished segments and torn tails go, damaged data is kept aside.

import Foundation
import MailCore

extension SpoolJournal {
    /// Reads every segment and rebuilds the index. With `repair` (the spool owner's recovery)
    /// torn tails are cut off and segments with nothing live are deleted. Entries for which
    /// `committedAsFiles` holds were moved out before a crash: the files win, and with `repair`
    /// a synced `done` record says so. Returns how many segments or tails were discarded.
    @discardableResult
    func load(repair: Bool, committedAsFiles: (QueueID) -> Bool) throws -> Int {
        try lock.withLock { try loadLocked(repair: repair, committedAsFiles: committedAsFiles) }
    }

    /// Under `lock`.
    func loadLocked(repair: Bool, committedAsFiles: (QueueID) -> Bool) throws -> Int {
        segments = [:]; entries = [:]; active = nil; dirty = []; unsynced = []
        var discarded = 0
        let sequences = try DurableFile.list(directory).compactMap(JournalSegment.sequence(ofName:)).sorted()
        for sequence in sequences {
            nextSequence = max(nextSequence, sequence + 1)
            // Gone since the listing: the daemon deleted it (a reader running beside it).
            guard let (segment, bytes) = try JournalSegment.open(directory: directory, sequence: sequence) else { continue }
            let name = "journal/\(JournalSegment.name(sequence))"
            guard JournalFormat.hasSegmentHeader(bytes) else {
                guard Self.isUnfinishedCreation(bytes) else {
                    throw SpoolError.corrupt("\(name): not a segment this version reads (move it aside to start)")
                }
                // Created but its header never synced: no entry in it was ever acknowledged.
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
            if validEnd < bytes.count {
                if repair {
                    try keepDamagedTail(bytes, from: validEnd, of: segment)
                    try segment.truncate(to: validEnd)
                    discarded += 1
                } else {
                    segment.size = validEnd
                }
            }
            let moved = local.keys.filter(committedAsFiles)
            for id in moved { local.removeValue(forKey: id) }
            if repair && !moved.isEmpty && !local.isEmpty {
                // Said on disk, so the journal copy cannot come back once the files are gone.
                for id in moved {
                    let done = JournalFormat.record(.done, id: id, payload: [])
                    try segment.write(done, at: segment.size)
                    segment.size += done.count
                }
                try segment.sync()
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

    /// Only the header, and still zeros (or short): the segment's creation did not finish. Any
    /// other unreadable header is damage, and recovery stops rather than delete it.
    static func isUnfinishedCreation(_ bytes: [UInt8]) -> Bool {
        bytes.count <= JournalFormat.segmentHeaderSize && bytes.allSatisfy { $0 == 0 }
    }

    /// A tail that is only a torn write (no whole record after the damage) is simply cut. When a
    /// whole record follows, the damage is in the middle: the tail is saved beside the segment as
    /// `<SEQ>.damaged-<offset>` (a name recovery ignores) before the cut, so nothing readable is
    /// destroyed.
    private func keepDamagedTail(_ bytes: [UInt8], from start: Int, of segment: JournalSegment) throws {
        var at = start + 1
        var wholeRecordFollows = false
        while at + JournalFormat.recordHeaderSize + JournalFormat.checksumSize <= bytes.count {
            if JournalFormat.parseRecord(bytes, at: at) != nil { wholeRecordFollows = true; break }
            at += 1
        }
        guard wholeRecordFollows else { return }
        let path = "\(segment.path).damaged-\(start)"
        try? DurableFile.remove(path)
        try DurableFile.createSynced(path, Array(bytes[start...]))
        try DurableFile.syncDirectory(fd: directoryFD, path: directory)
    }
}
