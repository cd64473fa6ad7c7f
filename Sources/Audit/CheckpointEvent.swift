// CheckpointEvent: what `sealgate audit prune` leaves at the start of a chain in place of the records
// it removed: the range, the count, the hash of the last removed record (the next record links to it)
// and the holds in force, signed with the node's Ed25519 audit key (docs/audit.md, "Pruning").

import Crypto
import Foundation

public struct CheckpointEvent: Sendable, Codable, Equatable {
    /// The first record ever removed from this chain (1 unless the chain began otherwise).
    public var firstSequence: Int64
    /// The last record removed: the checkpoint takes its sequence, and the next record follows it.
    public var lastSequence: Int64
    /// Records removed in all, by this prune and the earlier ones (checkpoints not counted).
    public var count: Int64
    /// The previous_hash of the first removed record (64 zeros for a chain that began at 1).
    public var firstPreviousHash: String
    /// The hash of the last removed record: the next record's previous_hash.
    public var lastHash: String
    /// How many of `count` this prune removed (the rest were covered by the checkpoint it replaced).
    public var pruned: Int64
    /// The hash of the checkpoint this one replaces (absent for the chain's first).
    public var previousCheckpoint: String?
    /// The legal holds in force when the prune ran (so pruning their own records does not lift them).
    public var holds: [LegalHold]?
    /// The node's public key (raw Ed25519, base64) and the signature (base64) over `signedBytes(node:)`.
    public var signingKey: String
    public var signature: String?

    private enum CodingKeys: String, CodingKey {
        case firstSequence = "first_sequence", lastSequence = "last_sequence", count
        case firstPreviousHash = "first_previous_hash", lastHash = "last_hash", pruned
        case previousCheckpoint = "previous_checkpoint", holds, signingKey = "signing_key", signature
    }

    public init(firstSequence: Int64, lastSequence: Int64, count: Int64, firstPreviousHash: String, lastHash: String,
                pruned: Int64, previousCheckpoint: String?, holds: [LegalHold]?, signingKey: String, signature: String? = nil) {
        self.firstSequence = firstSequence; self.lastSequence = lastSequence; self.count = count
        self.firstPreviousHash = firstPreviousHash; self.lastHash = lastHash; self.pruned = pruned
        self.previousCheckpoint = previousCheckpoint; self.holds = holds; self.signingKey = signingKey
        self.signature = signature
    }

    /// The bytes the signature covers: `{"checkpoint":{…every field but signature…},"node":"…"}`,
    /// canonical JSON (keys sorted, no whitespace).
    public func signedBytes(node: String) throws -> Data {
        struct Statement: Encodable { var checkpoint: CheckpointEvent; var node: String }
        var unsigned = self
        unsigned.signature = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Statement(checkpoint: unsigned, node: node))
    }

    /// Signs the checkpoint for `node` with `key` (its public key is written into `signingKey`).
    public mutating func sign(node: String, key: Curve25519.Signing.PrivateKey) throws {
        signingKey = key.publicKey.rawRepresentation.base64EncodedString()
        signature = try key.signature(for: signedBytes(node: node)).base64EncodedString()
    }

    /// Nil when the signature verifies (with `pinned`, when given, as the only acceptable key), else why not.
    public func signatureProblem(node: String, pinned: Curve25519.Signing.PublicKey?) -> String? {
        guard let raw = Data(base64Encoded: signingKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return "the checkpoint signing_key is not an Ed25519 public key"
        }
        if let pinned, pinned.rawRepresentation != key.rawRepresentation {
            return "the checkpoint is signed by \(Self.fingerprint(key)), not by this node's audit.signing_key \(Self.fingerprint(pinned))"
        }
        guard let text = signature, let sig = Data(base64Encoded: text), let bytes = try? signedBytes(node: node),
              key.isValidSignature(sig, for: bytes) else {
            return "the checkpoint signature does not verify"
        }
        return nil
    }

    /// `sha256:` and the hex SHA-256 of the public key's DER (SubjectPublicKeyInfo: a fixed 12-byte
    /// prefix, then the raw key), as `audit export` prints a key.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        let spkiPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        return "sha256:" + CanonicalRecord.sha256Hex(bytes: spkiPrefix + Array(key.rawRepresentation))
    }

    /// The fingerprint of `signingKey`, or the text itself when it does not decode.
    public var signerFingerprint: String {
        guard let raw = Data(base64Encoded: signingKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return signingKey }
        return Self.fingerprint(key)
    }
}
