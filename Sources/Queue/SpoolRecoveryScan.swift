// Spool recovery: run at start before the spool is used. Deletes half-written data (temp files,
// files without a committed envelope, torn journal tails) and returns every committed message.

import MailCore

extension Spool {
    /// Excludes every other spool operation while it runs. A committed envelope whose message file
    /// is missing (only possible if files were removed by hand) is discarded too; committed entries
    /// are never decrypted or judged here, so a key problem cannot make recovery delete mail.
    /// Takes the spool's owner lock first (and keeps it): `SpoolError.busy` while another process
    /// owns the spool.
    public func recover() throws -> SpoolRecovery {
        // Only the spool's owner may cut and delete: never a second process beside a running daemon.
        try ownerLock.acquire()
        return try recoveryLock.exclusive {
            var discarded = 0
            for name in try DurableFile.list(dirs.tmp) {
                try DurableFile.remove("\(dirs.tmp)/\(name)")
                discarded += 1
            }
            if discarded > 0 { try dirs.syncTmp() }

            let messages = Set(try ids(in: .message))
            var committed: [QueueID] = []
            var orphanEnvelopes = 0
            for id in try ids(in: .envelope) {
                if messages.contains(id) { committed.append(id); continue }
                try DurableFile.remove(dirs.path(.envelope, id))
                orphanEnvelopes += 1
            }
            if orphanEnvelopes > 0 { try dirs.sync(.envelope) }
            discarded += orphanEnvelopes

            let live = Set(committed)
            for kind in [SpoolFileKind.message, .states] {
                var removed = 0
                for id in try ids(in: kind) where !live.contains(id) {
                    try DurableFile.remove(dirs.path(kind, id))
                    removed += 1
                }
                if removed > 0 { try dirs.sync(kind) }
                discarded += removed
            }
            // The journal: torn tails cut off, finished segments deleted; an entry that was also
            // moved to files before a crash is the files' (they carry its newer states).
            discarded += try journal.load(repair: true, committedAsFiles: { live.contains($0) })
            let all = Set(committed).union(try journal.ids())
            return SpoolRecovery(committed: all.sorted(), discarded: discarded)
        }
    }

    /// Queue IDs named by the files in one spool folder; names that are not queue IDs are ignored.
    private func ids(in kind: SpoolFileKind) throws -> [QueueID] {
        try DurableFile.list(dirs.path(kind)).compactMap(QueueID.init)
    }
}
