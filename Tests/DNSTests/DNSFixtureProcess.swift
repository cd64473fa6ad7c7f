// Starts and stops Tests/EndToEnd/harness/dnsfixture.py (nsd + validating unbound on loopback)
// from Swift tests, with the zones a test class asks for.
import Foundation
import TestSupport

struct DNSFixtureProcess {
    let directory: URL
    let resolver: String

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var script: URL {
        repoRoot.appendingPathComponent("Tests/EndToEnd/harness/dnsfixture.py")
    }

    /// Writes `spec` as JSON and runs `dnsfixture.py start`; throws with the fixture's own message.
    static func start(spec: [String: Any]) throws -> DNSFixtureProcess {
        for tool in ["nsd", "unbound", "ldns-signzone"] where !toolExists(tool) {
            throw FixtureFailure("\(tool) is not installed: run scripts/setup --test (the DNS tests need nsd and unbound)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-dns-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let specURL = dir.appendingPathComponent("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let (status, out, err) = try run(["start", "--dir", dir.path, "--spec", specURL.path])
        guard status == 0,
              let json = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
              let resolver = json["resolver"] as? String
        else {
            try? FileManager.default.removeItem(at: dir)
            throw FixtureFailure("dnsfixture.py start failed (\(status)): \(err) \(out)")
        }
        return DNSFixtureProcess(directory: dir, resolver: resolver)
    }

    func stop() {
        _ = try? Self.run(["stop", "--dir", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let r = try ToolRun.run("python3", [script.path] + arguments)
        return (r.status, r.stdoutText, r.stderr)
    }

    private static func toolExists(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"])
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
