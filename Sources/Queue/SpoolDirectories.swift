// SpoolDirectories: the spool's folders (msg/, env/, state/, tmp/), created 0700, with a directory
// descriptor held open for each so committing costs an fsync, not an open+fsync+close.

import MailCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class SpoolDirectories: @unchecked Sendable {
    let root: String
    let tmp: String
    private let paths: [SpoolFileKind: String]
    private let fds: [SpoolFileKind: Int32]
    let tmpFD: Int32

    init(root: String) throws {
        self.root = root
        try DurableFile.makeDirectory(root)
        var paths: [SpoolFileKind: String] = [:]
        for kind in [SpoolFileKind.message, .envelope, .states] {
            paths[kind] = "\(root)/\(kind.rawValue)"
        }
        tmp = "\(root)/tmp"
        var fds: [SpoolFileKind: Int32] = [:]
        var tmpFD: Int32 = -1
        do {
            for (kind, path) in paths {
                try DurableFile.makeDirectory(path)
                fds[kind] = try DurableFile.openDirectory(path)
            }
            try DurableFile.makeDirectory(tmp)
            tmpFD = try DurableFile.openDirectory(tmp)
            // Make the new directory entries themselves durable.
            let rootFD = try DurableFile.openDirectory(root)
            defer { close(rootFD) }
            try DurableFile.syncDirectory(fd: rootFD, path: root)
        } catch {
            for fd in fds.values { close(fd) }
            if tmpFD >= 0 { close(tmpFD) }
            throw error
        }
        self.paths = paths
        self.fds = fds
        self.tmpFD = tmpFD
    }

    deinit {
        for fd in fds.values { close(fd) }
        close(tmpFD)
    }

    func path(_ kind: SpoolFileKind) -> String { paths[kind] ?? "\(root)/\(kind.rawValue)" }

    func path(_ kind: SpoolFileKind, _ id: QueueID) -> String { "\(path(kind))/\(id.value)" }

    /// A fresh temp name in tmp/: "<ID>.<kind>.<random>", never reused.
    func tempPath(_ id: QueueID, _ kind: SpoolFileKind) -> String {
        "\(tmp)/\(id.value).\(kind.rawValue).\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    }

    func sync(_ kind: SpoolFileKind) throws {
        guard let fd = fds[kind] else { return }
        try DurableFile.syncDirectory(fd: fd, path: path(kind))
    }

    func syncTmp() throws { try DurableFile.syncDirectory(fd: tmpFD, path: tmp) }
}
