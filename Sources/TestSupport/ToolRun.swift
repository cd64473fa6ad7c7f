// ToolRun: runs a real command-line tool (openssl, gpg, sq, python3) for a test, with its input,
// environment and directory, and returns status, stdout and stderr; output goes through files.

import Foundation

public struct ToolOutput: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

public enum ToolRun {
    /// Runs `executable` (a path, or a name looked up through /usr/bin/env). stdout and stderr are
    /// written to temp files rather than pipes, so a tool that fills one while we read the other
    /// cannot stall; `stdin` is fed from a file too.
    public static func run(_ executable: String, _ arguments: [String], stdin: [UInt8] = [],
                           environment: [String: String]? = nil, directory: String? = nil) throws -> ToolOutput {
        let scratch = NSTemporaryDirectory() + "sealgate-tool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inPath = scratch + "/in", outPath = scratch + "/out", errPath = scratch + "/err"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin))
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        if executable.hasPrefix("/") {
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [executable] + arguments
        }
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.standardInput = FileHandle(forReadingAtPath: inPath)
        p.standardOutput = FileHandle(forWritingAtPath: outPath)
        p.standardError = FileHandle(forWritingAtPath: errPath)
        try p.run()
        p.waitUntilExit()
        return ToolOutput(status: p.terminationStatus,
                          stdout: [UInt8](FileManager.default.contents(atPath: outPath) ?? Data()),
                          stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}
