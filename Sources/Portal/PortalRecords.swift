// PortalRecords: the sealed records FilePortalStore writes (message record, tombstone, recipient record,
// store check) and their one codec: JSON inside AES-256-GCM under the pepper's record key.

import Crypto
import Foundation
import MailCore

/// A message's record: its metadata and its key wrapped for the link and for recipient key pairs.
struct PortalMessageRecord: Codable {
    var metadata: PortalMessageMetadata
    /// Tells a wrong token from a damaged wrap (see PortalKeyDerivation.linkKeys).
    var linkCheck: Data
    /// The message key sealed under the link key.
    var linkWrapped: Data
    var recipientWraps: [PortalRecipientWrapRecord]
}

struct PortalRecipientWrapRecord: Codable {
    var recipientKeyID: Data
    var encapsulatedKey: Data
    var sealed: Data
}

/// What is left of a revoked or expired message: why, when, its metadata (nil when the record was
/// already damaged) and the link's check value (nil then too, and in tombstones written before it was
/// kept), so only the right link learns that the message is gone. No key material.
struct PortalTombstone: Codable {
    var id: PortalMessageID
    var gone: PortalGone
    var metadata: PortalMessageMetadata?
    var linkCheck: Data?
}

/// A recipient's key pair: the public key in the clear (inside the sealed record), the private key
/// sealed under the password key.
struct PortalRecipientRecord: Codable {
    var address: MailAddress
    var keyID: Data
    var publicKey: Data
    var salt: Data
    var hash: PortalPasswordHash
    var passwordCheck: Data
    var sealedPrivateKey: Data
    var createdAt: Date
}

/// The store check: a known record sealed under the record key, so the store tells at once that it
/// was given another pepper (rather than reporting every message damaged).
struct PortalStoreCheck: Codable, Equatable {
    var store: String
}

/// Seals and opens the records. A record file is the magic line then AES-256-GCM (record key) of the
/// JSON, with the record's kind and name (message id, recipient file name) as associated data, so a
/// record copied onto another message's name, or read with another pepper, fails as damaged.
struct PortalRecordCodec: Sendable {
    static let magic = Array("sealgate-portal-record v1\n".utf8)

    enum Kind: String {
        case message = "message-record", tombstone, recipient = "recipient-record", storeCheck = "store-check"
    }

    let recordKey: SymmetricKey
    let randomness: any PortalRandomness

    func seal<Record: Encodable>(_ record: Record, kind: Kind, name: [UInt8]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let json = [UInt8](try encoder.encode(record))
        return PortalRecordCodec.magic + (try PortalSeal.seal(json, key: recordKey, context: PortalSeal.context(kind.rawValue, name),
                                                              randomness: randomness))
    }

    /// The record, or nil when the bytes are not a record of this kind and name sealed under this key.
    func open<Record: Decodable>(_ bytes: [UInt8], as type: Record.Type, kind: Kind, name: [UInt8]) -> Record? {
        guard bytes.starts(with: PortalRecordCodec.magic),
              let json = PortalSeal.open(Array(bytes.dropFirst(PortalRecordCodec.magic.count)), key: recordKey,
                                         context: PortalSeal.context(kind.rawValue, name)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try? decoder.decode(type, from: Data(json))
    }
}
