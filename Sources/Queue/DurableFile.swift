// DurableFile: the POSIX primitives of the durable write path (Postfix mail_stream.c, chasquid
// safeio): create+write+fsync a file, rename, fsync a directory, read a whole file, list a directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum DurableFile {
    /// Creates `path` exclusively with `mode`, writes all of `bytes`, fsyncs and closes it.
    /// On failure the partial file is unlinked.
    static func createSynced(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SpoolError.io("create \(path)", errno: errno) }
        do {
            try writeAll(fd, bytes, path: path)
            guard fsync(fd) == 0 else { throw SpoolError.io("fsync \(path)", errno: errno) }
        } catch {
            close(fd); unlink(path)
            throw error
        }
        guard close(fd) == 0 else {
            let e = errno; unlink(path)
            throw SpoolError.io("close \(path)", errno: e)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpoolError.io("write \(path)", errno: errno)
                }
                offset += n
            }
        }
    }

    static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        let rc = Glibc.rename(from, to)
        #else
        let rc = Darwin.rename(from, to)
        #endif
        guard rc == 0 else { throw SpoolError.io("rename \(from) -> \(to)", errno: errno) }
    }

    /// Makes the directory's entries (renames, unlinks) durable.
    static func syncDirectory(fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw SpoolError.io("fsync directory \(path)", errno: errno) }
    }

    static func openDirectory(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError.io("open directory \(path)", errno: errno) }
        return fd
    }

    /// Creates the directory with `mode` if missing; an existing directory is left as it is.
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        if mkdir(path, mode) == 0 || errno == EEXIST {
            var st = stat()
            guard stat(path, &st) == 0 else { throw SpoolError.io("stat \(path)", errno: errno) }
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw SpoolError.io("not a directory: \(path)", errno: ENOTDIR) }
            return
        }
        throw SpoolError.io("mkdir \(path)", errno: errno)
    }

    /// Reads the whole file. Returns nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SpoolError.io("open \(path)", errno: errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SpoolError.io("fstat \(path)", errno: errno) }
        var out = [UInt8]()
        out.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SpoolError.io("read \(path)", errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Unlinks the file; a file that is already gone is not an error.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw SpoolError.io("unlink \(path)", errno: errno) }
    }

    /// The names in a directory, without "." and "..". Reads entries, never file contents.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SpoolError.io("opendir \(path)", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buf, count)
}
