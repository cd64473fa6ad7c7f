// AuditorRecipeTests: runs the verification recipes printed in docs/audit.md (the Python script,
// the sqlite3 link query, sqlite3 + sha256sum) against real store files, intact and tampered.

import Crypto
import Foundation
import GRDB
import MailCore
import XCTest
@testable import Audit

final class AuditorRecipeTests: XCTestCase {
    private static let docPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/audit.md").standardized.path

    /// The first fenced block of `language` after the heading that contains `heading`.
    private func docBlock(_ language: String, after heading: String) throws -> String {
        let doc = try String(contentsOfFile: Self.docPath, encoding: .utf8)
        let section = try XCTUnwrap(doc.range(of: heading), "heading \(heading) not in docs/audit.md")
        let open = try XCTUnwrap(doc.range(of: "```\(language)\n", range: section.upperBound..<doc.endIndex))
        let close = try XCTUnwrap(doc.range(of: "\n```", range: open.upperBound..<doc.endIndex))
        return String(doc[open.upperBound..<close.lowerBound])
    }

    private func run(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out; p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func toolAvailable(_ tool: String) -> Bool { (try? run(tool, ["--version"]).status) == 0 }

    private func makeDatabase() throws -> (path: String, store: SQLiteAuditStore) {
        let path = try makeTempDir(self) + "/audit.sqlite"
        let store = try SQLiteAuditStore(path: path, node: "gw1", clock: SystemClock())
        _ = try store.append(try Fixture.accepted())
        _ = try store.append(try Fixture.deferred())
        _ = try store.append(try Fixture.delivered())
        _ = try store.append(.bounced(AttemptEvent(queueID: Fixture.queueID, recipient: try Fixture.address("δοκιμή@παράδειγμα.δοκιμή"),
                                                   attempt: 3, reason: "expired")))
        _ = try store.append(Fixture.admin())
        return (path, store)
    }

    private func tamper(_ path: String, _ sql: String) throws {
        let raw = try DatabaseQueue(path: path)
        try raw.write { db in
            try db.execute(sql: "DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete")
            try db.execute(sql: sql)
        }
    }

    func testDocumentedPythonScriptAgreesWithTheStore() throws {
        try XCTSkipUnless(toolAvailable("python3"), "python3 not installed")
        let script = try makeTempDir(self) + "/verify-audit.py"
        try docBlock("python", after: "### The whole chain, with Python").write(toFile: script, atomically: true, encoding: .utf8)

        let (path, store) = try makeDatabase()
        let head = try XCTUnwrap(try store.head())
        let intact = try run("python3", [script, path])
        XCTAssertEqual(intact.status, 0, intact.output)
        XCTAssertEqual(intact.output, "INTACT 5 \(head.hash)\n")

        try tamper(path, "UPDATE audit_records SET canonical = replace(canonical, '451', '250') WHERE sequence = 2")
        let broken = try run("python3", [script, path])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.output.hasPrefix("BROKEN at 2:"), broken.output)
        XCTAssertEqual(try store.verifyChain().brokenSequence, 2)
    }

    func testDocumentedPythonScriptFindsADeletedRecord() throws {
        try XCTSkipUnless(toolAvailable("python3"), "python3 not installed")
        let script = try makeTempDir(self) + "/verify-audit.py"
        try docBlock("python", after: "### The whole chain, with Python").write(toFile: script, atomically: true, encoding: .utf8)
        let (path, _) = try makeDatabase()
        try tamper(path, "DELETE FROM audit_records WHERE sequence = 4")
        let broken = try run("python3", [script, path])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.output.hasPrefix("BROKEN at 4: record missing"), broken.output)
    }

    func testSqliteAndSha256sumRecipe() throws {
        try XCTSkipUnless(toolAvailable("sqlite3") && toolAvailable("sha256sum"), "sqlite3 or sha256sum not installed")
        let (path, store) = try makeDatabase()
        let shell = try docBlock("sh", after: "### One record, with sqlite3 and sha256sum")
            .replacingOccurrences(of: "DB=var/audit.sqlite; N=42", with: "DB='\(path)'; N=4")
        let out = try run("sh", ["-c", shell])
        XCTAssertEqual(out.status, 0, out.output)
        let records = try store.records(matching: AuditQuery())
        let lines = out.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, out.output)
        XCTAssertEqual(lines.first?.split(separator: " ").first.map(String.init), records[3].hash)
        XCTAssertEqual(lines.dropFirst().first, records[3].hash)
        XCTAssertEqual(lines.last, records[2].hash)

        let links = try docBlock("sh", after: "Every link at once, in SQL").replacingOccurrences(of: "\"$DB\"", with: "'\(path)'")
        let clean = try run("sh", ["-c", links])
        XCTAssertEqual(clean.status, 0, clean.output)
        XCTAssertEqual(clean.output, "")
        try tamper(path, "DELETE FROM audit_records WHERE sequence = 3")
        XCTAssertEqual(try run("sh", ["-c", links]).output, "4\n")
    }

    /// A store whose first three records were pruned into a checkpoint signed by `key`.
    private func prunedDatabase(key: Curve25519.Signing.PrivateKey) throws -> (path: String, store: SQLiteAuditStore) {
        let (path, store) = try makeDatabase()
        let plan = try store.prune(retention: AuditRetention(defaultPeriod: .seconds(1)), heldBy: { _, s in s > 3 ? "h" : nil },
                                   holds: [LegalHold(id: "hold-1", scope: .domain, value: "παράδειγμα.δοκιμή", reason: "matter \"7\"")],
                                   key: key, pinnedKey: key.publicKey, now: Date().addingTimeInterval(60), dryRun: false)
        XCTAssertEqual(plan.checkpoint?.sequence, 3)
        return (path, store)
    }

    func testDocumentedPythonScriptAcceptsACheckpointAndTheSignatureRecipeChecksIt() throws {
        try XCTSkipUnless(toolAvailable("python3") && toolAvailable("sqlite3") && (try? run("openssl", ["version"]).status) == 0, "tools missing")
        let dir = try makeTempDir(self)
        let script = dir + "/verify-audit.py"
        try docBlock("python", after: "### The whole chain, with Python").write(toFile: script, atomically: true, encoding: .utf8)
        let key = Curve25519.Signing.PrivateKey()
        let (path, store) = try prunedDatabase(key: key)
        let head = try XCTUnwrap(try store.head())
        let intact = try run("python3", [script, path])
        XCTAssertEqual(intact.output, "INTACT 3 \(head.hash)\n")

        let recipe = try docBlock("sh", after: "### Checking a checkpoint's signature by hand")
            .replacingOccurrences(of: "var/audit.sqlite", with: "'\(path)'")
        let out = try run("sh", ["-c", "cd '\(dir)' && " + recipe])
        XCTAssertEqual(out.status, 0, out.output)
        XCTAssertTrue(out.output.contains("Signature Verified Successfully"), out.output)
        XCTAssertTrue(out.output.hasSuffix("signed by \(CheckpointEvent.fingerprint(key.publicKey))\n"), out.output)

        try tamper(path, "UPDATE audit_records SET sequence = 100 WHERE sequence = 3")
        let moved = try run("python3", [script, path])
        XCTAssertEqual(moved.status, 1)
        XCTAssertEqual(moved.output, "BROKEN at 1: record missing\n", "the chain no longer starts with its checkpoint")
    }
}
