// JournalRecord: the framing of the spool journal's segment files (docs/queue-format.md): a
// segment header, then records of a type, a queue ID and a payload, each closed by a checksum.

import Crypto
import MailCore

/// One record read back from a segment: its type, queue ID, and where its payload lies.
struct JournalRecord: Equatable {
    enum Kind: UInt8 {
        /// A committed message: its sealed envelope and sealed message.
        case entry = 1
        /// The entry with this ID is finished here: delivered, deleted, or moved to per-message files.
        case done = 2
    }

    let kind: Kind
    let id: QueueID
    /// Offset of the payload within the segment, and its length.
    let payloadOffset: Int
    let payloadLength: Int
    /// Offset just past this record: where the next one starts.
    let end: Int
}

enum JournalFormat {
    static let segmentMagic: [UInt8] = Array("SGJ1".utf8)
    static let segmentVersion: UInt8 = 1
    /// magic(4) + version(1) + reserved(3)
    static let segmentHeaderSize = 8
    /// kind(1) + reserved(1) + queue ID(18) + payload length(4)
    static let recordHeaderSize = 24
    static let checksumSize = 16
    /// A record larger than this is framing damage, not a message (SIZE limits are far below it).
    static let maxPayload = 1 << 30

    static var segmentHeader: [UInt8] { segmentMagic + [segmentVersion, 0, 0, 0] }

    /// The bytes of one record.
    static func record(_ kind: JournalRecord.Kind, id: QueueID, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(recordHeaderSize + payload.count + checksumSize)
        out.append(kind.rawValue)
        out.append(0)
        out.append(contentsOf: Array(id.value.utf8))
        let n = UInt32(payload.count)
        out.append(contentsOf: [UInt8(n >> 24 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)])
        out.append(contentsOf: payload)
        out.append(contentsOf: checksum(out[...]))
        return out
    }

    /// The first 16 bytes of SHA-256 over the record's header and payload. It finds torn and
    /// damaged records without the spool key (recovery never decrypts); the payload's own
    /// AES-GCM tags are what protect against tampering.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: bytes).prefix(checksumSize))
    }

    /// Whether `bytes` starts with a segment header this version reads.
    static func hasSegmentHeader(_ bytes: [UInt8]) -> Bool {
        bytes.count >= segmentHeaderSize && Array(bytes[0..<4]) == segmentMagic && bytes[4] == segmentVersion
    }

    /// Parses the records of a segment's bytes, stopping at the first record that is incomplete or
    /// damaged. Returns the records and the offset where the valid prefix ends.
    static func parse(_ bytes: [UInt8]) -> (records: [JournalRecord], validEnd: Int) {
        var records: [JournalRecord] = []
        var at = segmentHeaderSize
        while let record = parseRecord(bytes, at: at) {
            records.append(record)
            at = record.end
        }
        return (records, min(at, bytes.count))
    }

    static func parseRecord(_ bytes: [UInt8], at start: Int) -> JournalRecord? {
        guard bytes.count - start >= recordHeaderSize + checksumSize,
              let kind = JournalRecord.Kind(rawValue: bytes[start]), bytes[start + 1] == 0 else { return nil }
        let idBytes = bytes[(start + 2)..<(start + 20)]
        guard let id = QueueID(String(decoding: idBytes, as: UTF8.self)) else { return nil }
        let length = bytes[(start + 20)..<(start + 24)].reduce(0) { $0 << 8 | Int($1) }
        guard length <= maxPayload, bytes.count - start - recordHeaderSize - checksumSize >= length else { return nil }
        let payloadEnd = start + recordHeaderSize + length
        guard checksum(bytes[start..<payloadEnd]) == Array(bytes[payloadEnd..<(payloadEnd + checksumSize)]) else {
            return nil
        }
        return JournalRecord(kind: kind, id: id, payloadOffset: start + recordHeaderSize, payloadLength: length,
                             end: payloadEnd + checksumSize)
    }

    /// An entry's payload: the sealed envelope's length (4 bytes, big-endian), the sealed envelope,
    /// then the sealed message.
    static func entryPayload(sealedEnvelope: [UInt8], sealedMessage: [UInt8]) -> [UInt8] {
        let n = UInt32(sealedEnvelope.count)
        var out: [UInt8] = [UInt8(n >> 24 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
        out.reserveCapacity(4 + sealedEnvelope.count + sealedMessage.count)
        out.append(contentsOf: sealedEnvelope)
        out.append(contentsOf: sealedMessage)
        return out
    }

    /// Splits an entry's payload into its sealed envelope and sealed message.
    static func splitEntry(_ payload: [UInt8], id: QueueID) throws -> (sealedEnvelope: ArraySlice<UInt8>, sealedMessage: ArraySlice<UInt8>) {
        guard payload.count >= 4 else { throw SpoolError.corrupt("journal entry \(id): payload too short") }
        let n = payload[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard payload.count - 4 >= n else { throw SpoolError.corrupt("journal entry \(id): envelope length \(n) past the end") }
        return (payload[4..<(4 + n)], payload[(4 + n)...])
    }
}
