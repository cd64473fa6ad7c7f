// SafeIO directories: open and fsync a directory (making renames and unlinks durable), create one
// with a mode (optionally its parents, optionally tightening an existing one), list its names.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeIO {
    /// Opens a directory for fsync; the caller closes the descriptor.
    public static func openDirectory(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SafeIOError(.open, path: path, errno: errno) }
        return fd
    }

    /// Makes the directory's entries (creates, renames, unlinks) durable.
    public static func syncDirectory(fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw SafeIOError(.fsync, path: path, errno: errno) }
    }

    /// Opens, fsyncs and closes the directory.
    public static func syncDirectory(_ path: String) throws {
        let fd = try openDirectory(path)
        do {
            try syncDirectory(fd: fd, path: path)
        } catch {
            _ = systemClose(fd)
            throw error
        }
        try close(fd: fd, path: path)
    }

    /// Creates the directory with `mode` when missing (and its missing parents with the same mode
    /// when `parents`). An existing directory keeps its mode unless `tighten`, which sets it to `mode`.
    /// Throws when the path exists and is not a directory.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700, parents: Bool = false,
                                     tighten: Bool = false) throws {
        if parents {
            let parent = directory(of: path)
            if parent != path && parent != "." && parent != "/" && !isDirectory(parent) {
                try makeDirectory(parent, mode: mode, parents: true)
            }
        }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw SafeIOError(.mkdir, path: path, errno: errno) }
        var st = stat()
        guard stat(path, &st) == 0 else { throw SafeIOError(.stat, path: path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw SafeIOError(.notADirectory, path: path, errno: ENOTDIR) }
        if tighten && (st.st_mode & 0o7777) != mode {
            guard chmod(path, mode) == 0 else { throw SafeIOError(.chmod, path: path, errno: errno) }
        }
    }

    /// The names in a directory, without "." and "..". Reads entries, never file contents.
    public static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SafeIOError(.list, path: path, errno: errno) }
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

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
