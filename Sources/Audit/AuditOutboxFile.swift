// AuditOutboxFile: the outbox's file: one JSON audit event per line, each appended and fsynced
// (SafeIO) before the caller goes on, rewritten whole when records leave it, removed when empty.

import Foundation
import SafeIO

struct AuditOutboxFile {
    let path: String

    /// The records waiting in the file, oldest first. A last line without its newline is an append
    /// that a crash cut short (its caller never went on): it is dropped and reported in `tornTail`.
    func load() throws -> (events: [AuditEvent], tornTail: Bool) {
        guard let bytes = try SafeIO.read(path), !bytes.isEmpty else { return ([], false) }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let torn = !(lines.last?.isEmpty ?? true)
        lines.removeLast()
        let decoder = JSONDecoder()
        let events = try lines.enumerated().map { n, line -> AuditEvent in
            do {
                return try decoder.decode(AuditEvent.self, from: Data(line))
            } catch {
                throw AuditError.corruptOutbox(path: path, line: n + 1, reason: "\(error)")
            }
        }
        return (events, torn)
    }

    /// Adds one record at the end, durably.
    func append(_ event: AuditEvent) throws {
        try SafeIO.append(path, try Self.line(event), mode: 0o600)
    }

    /// Replaces the file with `events` (removes it when there are none), durably.
    func rewrite(_ events: ArraySlice<AuditEvent>) throws {
        if events.isEmpty {
            try SafeIO.remove(path, syncDirectory: true)
        } else {
            try SafeIO.writeFile(path, try events.flatMap(Self.line), mode: 0o600)
        }
    }

    static func line(_ event: AuditEvent) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(event)) + [UInt8(ascii: "\n")]
    }
}
