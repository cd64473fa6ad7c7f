// JournalSegment: one open segment file of the spool journal: its descriptor, its length, and how
// many of its entries are still live. The descriptor closes when the last reference goes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class JournalSegment: @unchecked Sendable {
    let sequence: UInt64
    let path: String
    let fd: Int32
    /// Where the next record goes. Changed only under the journal's lock.
    var size: Int
    /// Entries in this segment that are not done. Changed only under the journal's lock.
    var live = 0
    /// Everything before this offset is known to be on stable storage. Changed only under the
    /// journal's lock.
    var syncedUpTo = 0
    /// A sync of this segment failed; what was written from this offset on may be lost, so no
    /// entry there may be acknowledged, and no more entries go into the segment.
    var poisonedFrom: Int?
    var poisoned: Bool { poisonedFrom != nil }

    private init(sequence: UInt64, path: String, fd: Int32, size: Int) {
        self.sequence = sequence; self.path = path; self.fd = fd; self.size = size
    }

    deinit { close(fd) }

    static func name(_ sequence: UInt64) -> String {
        let hex = String(sequence, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    static func sequence(ofName name: String) -> UInt64? {
        guard name.count == 16, name.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(name, radix: 16)
    }

    /// Creates a new segment holding only its header, durable (file and directory synced)
    /// before any entry is written into it.
    static func create(directory: String, directoryFD: Int32, sequence: UInt64) throws -> JournalSegment {
        let path = "\(directory)/\(name(sequence))"
        let fd = openFile(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError.io("create \(path)", errno: errno) }
        let segment = JournalSegment(sequence: sequence, path: path, fd: fd, size: 0)
        do {
            try segment.write(JournalFormat.segmentHeader, at: 0)
            try segment.sync()
            try DurableFile.syncDirectory(fd: directoryFD, path: directory)
        } catch {
            unlink(path)
            throw error
        }
        segment.size = JournalFormat.segmentHeaderSize
        segment.syncedUpTo = segment.size
        return segment
    }

    /// Opens an existing segment, read-write where permitted (read-only for a reader without
    /// write access). nil when it is gone (deleted by the daemon since the directory was listed).
    static func open(directory: String, sequence: UInt64) throws -> (JournalSegment, [UInt8])? {
        let path = "\(directory)/\(name(sequence))"
        var fd = openFile(path, O_RDWR | O_CLOEXEC, 0)
        if fd < 0 && (errno == EACCES || errno == EROFS) { fd = openFile(path, O_RDONLY | O_CLOEXEC, 0) }
        if fd < 0 && errno == ENOENT { return nil }
        guard fd >= 0 else { throw SpoolError.io("open \(path)", errno: errno) }
        let segment = JournalSegment(sequence: sequence, path: path, fd: fd, size: 0)
        let bytes = try segment.readAll()
        segment.size = bytes.count
        segment.syncedUpTo = bytes.count
        return (segment, bytes)
    }

    /// The whole file, through the open descriptor (so it is the same file that was opened).
    func readAll() throws -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SpoolError.io("fstat \(path)", errno: errno) }
        return try read(offset: 0, length: Int(st.st_size))
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        try bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpoolError.io("write \(path)", errno: errno)
                }
                done += n
            }
        }
    }

    func read(offset: Int, length: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        try out.withUnsafeMutableBytes { raw in
            while done < length {
                let n = pread(fd, raw.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpoolError.io("read \(path)", errno: errno)
                }
                if n == 0 { throw SpoolError.corrupt("\(path): record at \(offset) runs past the end of the file") }
                done += n
            }
        }
        return out
    }

    /// fdatasync: the data and the length, which is all a reader needs.
    func sync() throws {
        guard fdatasync(fd) == 0 else { throw SpoolError.io("fdatasync \(path)", errno: errno) }
    }

    /// Cuts a torn or damaged tail off, durably.
    func truncate(to length: Int) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw SpoolError.io("truncate \(path)", errno: errno) }
        try sync()
        size = length
    }
}

@inline(__always)
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
