// PostgresTestCluster: a private PostgreSQL 15 cluster for a test, in its own temp directory on a
// loopback port (initdb as the postgres user, pg_ctl start), stopped by its postmaster's PID.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class PostgresTestCluster: @unchecked Sendable {
    public static let binDirectory = "/usr/lib/postgresql/15/bin"
    /// The superuser's password (scram-sha-256 everywhere, so the password path is exercised).
    public static let superuserPassword = "sealgate-test-superuser"

    public let directory: String
    public let port: Int
    public private(set) var pid: pid_t = 0
    public var host: String { "127.0.0.1" }

    public enum ClusterError: Error, CustomStringConvertible {
        case missingBinaries(String)
        case failed(String)
        public var description: String {
            switch self {
            case .missingBinaries(let p):
                return "PostgreSQL 15 server binaries not found at \(p): run scripts/setup --test (installs Debian's postgresql)"
            case .failed(let s): return "test PostgreSQL: \(s)"
            }
        }
    }

    /// initdb + pg_ctl start. Throws (never skips) when the server binaries are missing.
    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binDirectory + "/initdb") else {
            throw ClusterError.missingBinaries(Self.binDirectory)
        }
        var template = Array("/tmp/sealgate-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ClusterError.failed("mkdtemp: \(errno)") }
        directory = String(cString: made)
        port = try Self.freePort()
        try Self.chownToPostgres(directory)
        let pwfile = directory + "/superuser.pw"
        FileManager.default.createFile(atPath: pwfile, contents: Data(Self.superuserPassword.utf8))
        try Self.chownToPostgres(pwfile)
        try asPostgres("initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile,
                                  "--no-sync", "--encoding=UTF8", "--locale=C"])
        try start()
    }

    /// Starts the server (again, after `stop()`) on the same port and data directory.
    public func start() throws {
        try asPostgres("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "30",
                                  "-o", "-k \(directory) -p \(port) -h 127.0.0.1 -c fsync=off", "start"])
        guard let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let value = pid_t(first) else {
            throw ClusterError.failed("no postmaster.pid after start")
        }
        pid = value
    }

    /// Fast shutdown of this cluster's postmaster, by its PID; waits until it has exited.
    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGINT)
        for _ in 0..<300 where kill(pid, 0) == 0 { usleep(50_000) }
        pid = 0
    }

    /// Stops the server and removes the directory.
    public func destroy() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { destroy() }

    /// Runs SQL through psql as `user` (default the superuser) against `database`; throws with psql's
    /// stderr when it fails (ON_ERROR_STOP).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres", user: String = "postgres",
                     password: String = PostgresTestCluster.superuserPassword) throws -> String {
        let out = try ToolRun.run(Self.binDirectory + "/psql",
                                  ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user,
                                   "-d", database, "-c", sql],
                                  environment: ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"])
        guard out.status == 0 else { throw ClusterError.failed("psql: \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        return out.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a server tool as the postgres user. Spawned and reaped here (not through Process): pg_ctl
    /// leaves the postmaster behind, and its output goes to a file in the cluster's directory.
    private func asPostgres(_ tool: String, _ arguments: [String]) throws {
        let logPath = directory + "/\(tool).out"
        let argv = ["/usr/sbin/runuser", "-u", "postgres", "--", Self.binDirectory + "/" + tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, argv[0], &actions, nil, &cargs, environ)
        guard spawned == 0 else { throw ClusterError.failed("spawn \(tool): \(spawned)") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw ClusterError.failed("\(tool) failed (status \(status)): \(output)")
        }
    }

    private static func chownToPostgres(_ path: String) throws {
        guard let pw = getpwnam("postgres") else { throw ClusterError.missingBinaries("(no postgres user)") }
        guard chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else { throw ClusterError.failed("chown \(path): \(errno)") }
    }

    /// A loopback port nothing listens on now (bound to port 0, then released).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError.failed("socket: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ClusterError.failed("bind: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
