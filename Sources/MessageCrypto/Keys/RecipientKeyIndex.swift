// RecipientKeyIndex: the store's index file as JSON (address -> its keys) and back; the index is
// the only thing readers trust, so a key file it does not name is never used.

import Foundation

enum RecipientKeyIndex {
    static let version = 1

    private struct File: Codable {
        var version: Int
        var recipients: [String: [IndexLine]]
    }

    /// The entries in a stable order: by address, then as they were added.
    static func encode(_ entries: [KeyEntry]) throws -> [UInt8] {
        var recipients: [String: [IndexLine]] = [:]
        for entry in entries { recipients[entry.address, default: []].append(IndexLine(entry)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(File(version: version, recipients: recipients))) + [0x0A]
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> [KeyEntry] {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch {
            throw RecipientKeyError.badIndex(path: path, reason: "not the JSON the store writes")
        }
        guard file.version == version else {
            throw RecipientKeyError.badIndex(path: path, reason: "version \(file.version), this build reads \(version)")
        }
        return file.recipients.keys.sorted().flatMap { address in
            (file.recipients[address] ?? []).map { KeyEntry(address: address, decoding: $0) }
        }
    }
}
