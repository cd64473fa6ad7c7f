// CanonicalRecord: the exact bytes each record's hash covers, and the hashing itself.
// Compact JSON, keys sorted, UTF-8, no trailing newline; docs/audit.md shows how to recompute it.

import Crypto
import Foundation
import MailCore

struct CanonicalRecord: Codable {
    /// The canonical format's version; bump only with a documented new encoding.
    static let currentFormat = 1

    var format: Int
    var sequence: Int64
    var time: String
    var node: String
    var event: AuditEvent
    var previousHash: String

    private enum CodingKeys: String, CodingKey { case format, sequence, time, node, event, previousHash = "previous_hash" }

    /// The previous-hash of record 1.
    static let genesisHash = String(repeating: "0", count: 64)

    init(sequence: Int64, time: Date, node: String, event: AuditEvent, previousHash: String) {
        self.format = CanonicalRecord.currentFormat
        self.sequence = sequence; self.time = AuditTime.iso8601(time); self.node = node
        self.event = event; self.previousHash = previousHash
    }

    /// The canonical text stored in the `canonical` column.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CanonicalRecord {
        try JSONDecoder().decode(CanonicalRecord.self, from: Data(text.utf8))
    }

    static func sha256Hex(_ text: String) -> String { sha256Hex(bytes: Data(text.utf8)) }

    /// Lower-case hex SHA-256, as `sha256sum` prints it.
    static func sha256Hex<D: DataProtocol>(bytes: D) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Builds the record that follows `previousHash`, with its canonical text and hash.
    static func seal(sequence: Int64, time: Date, node: String, event: AuditEvent,
                     previousHash: String) throws -> (record: AuditRecord, canonical: String) {
        let stored = AuditTime.storedDate(time)
        let canonical = try CanonicalRecord(sequence: sequence, time: stored, node: node, event: event,
                                            previousHash: previousHash).encoded()
        let record = AuditRecord(sequence: sequence, time: stored, node: node, event: event,
                                 previousHash: previousHash, hash: sha256Hex(canonical))
        return (record, canonical)
    }

    /// The record this canonical text describes, given the hash stored beside it.
    func record(hash: String) throws -> AuditRecord {
        guard let date = AuditTime.parseISO8601(time) else {
            throw AuditError.corruptRecord(sequence: sequence, reason: "bad time \(time)")
        }
        return AuditRecord(sequence: sequence, time: date, node: node, event: event, previousHash: previousHash, hash: hash)
    }
}
